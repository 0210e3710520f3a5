-- What collectivités bought (domain/subscriptions): contracts, and the subscriptions they
-- hold, which alone switch the base service and the options on (docs/BILLING.md). The
-- partners' former free "options" field is dropped: nothing is granted without a contract.

CREATE TABLE contracts (
  id {{id}},
  partner_id BIGINT NOT NULL REFERENCES partners (id) ON DELETE CASCADE,
  -- The quote accepted (billing), when the contract comes from one; an amendment (avenant)
  -- names the contract it adds options to, and ends with it.
  quote_id BIGINT,
  amends_contract_id BIGINT REFERENCES contracts (id) ON DELETE CASCADE,
  start_date TEXT NOT NULL,          -- AAAA-MM-JJ, signature
  end_date TEXT NOT NULL,            -- AAAA-MM-JJ, last day in force
  service_start TEXT NOT NULL,       -- AAAA-MM-JJ, the service put in service
  months INTEGER NOT NULL,
  -- Invented for the demonstration (`make run`), shown as "démo" and never invoiced.
  is_demo INTEGER NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL
);
CREATE INDEX contracts_partner_idx ON contracts (partner_id);

-- One product of a contract: base, option1 (barometer), option2 (territory platform),
-- option3 (skills). In force from start_date to end_date inclusive, Paris dates; ending a
-- subscription early sets end_date to the day it is ended, so the feature goes off the
-- next day and the partner's data stays.
CREATE TABLE subscriptions (
  id {{id}},
  contract_id BIGINT NOT NULL REFERENCES contracts (id) ON DELETE CASCADE,
  partner_id BIGINT NOT NULL REFERENCES partners (id) ON DELETE CASCADE,
  product TEXT NOT NULL CHECK (product IN ('base', 'option1', 'option2', 'option3')),
  start_date TEXT NOT NULL,
  end_date TEXT NOT NULL,
  ended_at BIGINT,
  created_at BIGINT NOT NULL
);
CREATE INDEX subscriptions_partner_idx ON subscriptions (partner_id, end_date);

-- A grouping's (PVD) subscription grants its product to these members; members get the
-- base service through the grouping's base subscription.
CREATE TABLE subscription_members (
  subscription_id BIGINT NOT NULL REFERENCES subscriptions (id) ON DELETE CASCADE,
  member_id BIGINT NOT NULL REFERENCES partners (id) ON DELETE CASCADE,
  PRIMARY KEY (subscription_id, member_id)
);
CREATE INDEX subscription_members_member_idx ON subscription_members (member_id);

ALTER TABLE partners DROP COLUMN options;
