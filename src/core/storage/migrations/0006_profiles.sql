-- A person's profile (what they look for: household, budget, housing, work, business,
-- leisure) and their notification preference; and the consents they gave to disclose
-- parts of it to partner collectivités. Consents are a history: the latest row per scope
-- is in force, earlier rows stay as proof (RGPD). Everything goes with the account.
CREATE TABLE profiles (
  user_id BIGINT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  data TEXT NOT NULL,
  notification TEXT NOT NULL CHECK (notification IN ('instant', 'daily', 'weekly', 'none')),
  updated_at BIGINT NOT NULL
);

CREATE TABLE consents (
  id {{id}},
  user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  scope TEXT NOT NULL CHECK (scope IN ('identity', 'funds', 'housing', 'work', 'household')),
  granted INTEGER NOT NULL,
  recorded_at BIGINT NOT NULL
);
CREATE INDEX consents_user_idx ON consents (user_id, scope, recorded_at);
