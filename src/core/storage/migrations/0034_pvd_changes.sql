-- PVD groupings (issue 22, option 4): what a grouping's changes bill (docs/BILLING.md
-- "Groupings: grants and departures billed", domain/subscriptions/pvd_changes.hpp).

-- A member's departure releases the seats bought for it: the seat counts until that day
-- (its last day as a member, 'AAAA-MM-JJ'); NULL while it counts.
ALTER TABLE subscription_members ADD COLUMN released_on TEXT;

-- Changes of a contract's monthly price HT from the first day of one of its schedule's
-- periods on: a departure lowers the price of the contract holding the member's seat by
-- what that member added under the PVD rule. The invoices of the periods starting on or
-- after from_date are at the changed price; those issued before never change. One change
-- per seat released.
CREATE TABLE contract_price_changes (
  id {{id}},
  contract_id BIGINT NOT NULL REFERENCES contracts (id) ON DELETE CASCADE,
  subscription_id BIGINT NOT NULL REFERENCES subscriptions (id) ON DELETE CASCADE,
  member_id BIGINT NOT NULL,
  from_date TEXT NOT NULL,
  monthly_delta_cents BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  UNIQUE (subscription_id, member_id)
);
CREATE INDEX contract_price_changes_contract_idx ON contract_price_changes (contract_id);
