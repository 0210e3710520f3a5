-- PVD groupings (issue 22, option 4): who runs a grouping, when each member joined and
-- left it, and which options the grouping grants each member (docs/BILLING.md).

-- A grouping is administered by a département, an EPCI or an association; NULL for the
-- other kinds, and for groupings made before this migration until an operator says.
ALTER TABLE partners ADD COLUMN grouping_administrator TEXT
  CHECK (grouping_administrator IN ('departement', 'epci', 'association'));

-- Membership periods, Paris days 'AAAA-MM-JJ', both inclusive: a member is one from
-- joined_on (NULL: since before dates were kept) to left_on (NULL: still a member). A
-- member that left keeps its row, so the grouping's history stays.
ALTER TABLE partner_members ADD COLUMN joined_on TEXT;
ALTER TABLE partner_members ADD COLUMN left_on TEXT;

-- The options a grouping grants each member (domain/subscriptions): a member has an
-- option through the grouping when the grouping's subscription to it is in force, the
-- option is granted here and the member is one that day. What a subscription was bought
-- for stays in subscription_members (the seats billed); grants may move within them.
CREATE TABLE grouping_grants (
  grouping_id BIGINT NOT NULL REFERENCES partners (id) ON DELETE CASCADE,
  member_id BIGINT NOT NULL REFERENCES partners (id) ON DELETE CASCADE,
  product TEXT NOT NULL CHECK (product IN ('option1', 'option2', 'option3')),
  granted_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
  granted_at BIGINT NOT NULL,
  PRIMARY KEY (grouping_id, member_id, product)
);
CREATE INDEX grouping_grants_member_idx ON grouping_grants (member_id);
