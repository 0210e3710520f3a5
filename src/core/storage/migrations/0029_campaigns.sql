-- "Territoire semblable" campaigns (option 3, domain/campaigns): a partner writes a text,
-- an operator approves or refuses it, and once approved it is mailed through the outbox to
-- the consenting people who made the partner's territory green without clicking it
-- (contacts) or who clicked territories similar to it.
--
-- The consent 'partner_campaigns' ("messages de territoires qui pourraient me plaire"),
-- off by default, joins the others in `consents`: the table is rebuilt with the new scope in
-- its CHECK as 0022 did, rows copied in their order.
ALTER TABLE consents RENAME TO consents_before_0029;
CREATE TABLE consents (
  id {{id}},
  user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  scope TEXT NOT NULL CHECK (scope IN ('identity', 'funds', 'housing', 'work', 'household',
                                       'unvisited_jobs', 'partner_campaigns')),
  granted INTEGER NOT NULL,
  recorded_at BIGINT NOT NULL
);
INSERT INTO consents (user_id, scope, granted, recorded_at)
  SELECT user_id, scope, granted, recorded_at FROM consents_before_0029 ORDER BY id;
DROP TABLE consents_before_0029;
CREATE INDEX consents_user_idx ON consents (user_id, scope, recorded_at);

-- A campaign: status 'submitted' (waiting for an operator), 'refused' (with the operator's
-- reason), 'sent' (approved and mailed: reviewed_at is also the sending time).
CREATE TABLE campaigns (
  id {{id}},
  partner_id BIGINT NOT NULL REFERENCES partners (id) ON DELETE CASCADE,
  subject TEXT NOT NULL,
  body TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('submitted', 'refused', 'sent')),
  created_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
  created_at BIGINT NOT NULL,
  reviewed_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
  reviewed_at BIGINT,
  review_note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX campaigns_partner_idx ON campaigns (partner_id, id);
CREATE INDEX campaigns_status_idx ON campaigns (status, id);

-- Who a campaign reached, once each (the outbox key is campaign × person too): `reason`
-- 'contact' (made the territory green without clicking it) or 'similar' (clicked a similar
-- territory). Goes with the account; the partner only ever sees counts.
CREATE TABLE campaign_recipients (
  campaign_id BIGINT NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
  user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  reason TEXT NOT NULL CHECK (reason IN ('contact', 'similar')),
  sent_at BIGINT NOT NULL,
  PRIMARY KEY (campaign_id, user_id)
);
CREATE INDEX campaign_recipients_user_idx ON campaign_recipients (user_id);
