-- Skills alerts (option 3, domain/skills): a partner with option 3 publishes a job; the
-- people whose ROME codes (profile, CV) fit it are told at once. People who never looked
-- at the partner's territory are told only when their criteria are compatible with it
-- (territory_compatibility) and they gave the consent 'unvisited_jobs' ("offres d'emploi de
-- territoires que je n'ai pas consultés"), off by default.
--
-- The consent joins the others in `consents` (a dated history, proof kept after deletion):
-- the table is rebuilt with the new scope in its CHECK, rows copied in their order (ids are
-- renumbered, nothing refers to them).
ALTER TABLE consents RENAME TO consents_before_0022;
CREATE TABLE consents (
  id {{id}},
  user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  scope TEXT NOT NULL CHECK (scope IN ('identity', 'funds', 'housing', 'work', 'household',
                                       'unvisited_jobs')),
  granted INTEGER NOT NULL,
  recorded_at BIGINT NOT NULL
);
INSERT INTO consents (user_id, scope, granted, recorded_at)
  SELECT user_id, scope, granted, recorded_at FROM consents_before_0022 ORDER BY id;
DROP TABLE consents_before_0022;
CREATE INDEX consents_user_idx ON consents (user_id, scope, recorded_at);

-- One row per (job listing, person) told through a skills alert, whichever channel the
-- person chose: the caps (per job, per person and week) count these rows; the notification
-- ledger (`notifications`) keeps "never twice" across every reason. `unvisited` marks the
-- people reached through the consent. Goes with the listing and the account.
CREATE TABLE skill_alerts (
  listing_id BIGINT NOT NULL REFERENCES listings (id) ON DELETE CASCADE,
  user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  unvisited INTEGER NOT NULL,
  sent_at BIGINT NOT NULL,
  PRIMARY KEY (listing_id, user_id)
);
CREATE INDEX skill_alerts_user_idx ON skill_alerts (user_id, sent_at);
