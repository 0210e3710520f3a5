-- People and their sessions. E-mails are stored lower-cased; timestamps are epoch seconds.
CREATE TABLE users (
  id {{id}},
  email TEXT NOT NULL UNIQUE,
  password_hash TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('user', 'partner_staff', 'operator')),
  display_name TEXT NOT NULL DEFAULT '',
  email_verified_at BIGINT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);

-- A session is known by the SHA-256 of its cookie token, so a database leak reveals no
-- usable cookie.
CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,
  user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at BIGINT NOT NULL,
  last_seen_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  user_agent TEXT NOT NULL DEFAULT '',
  ip TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user_idx ON sessions (user_id);

-- Single-use tokens sent by e-mail (verification, password reset, change of e-mail).
CREATE TABLE email_tokens (
  token_hash TEXT PRIMARY KEY,
  user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  purpose TEXT NOT NULL CHECK (purpose IN ('verify_email', 'reset_password', 'change_email')),
  new_email TEXT,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  used_at BIGINT
);
CREATE INDEX email_tokens_user_idx ON email_tokens (user_id);

-- Fixed-window counters shared by every server process: login throttling per account and
-- per IP, rate limits of public endpoints.
CREATE TABLE throttle_counters (
  counter_key TEXT PRIMARY KEY,
  window_start BIGINT NOT NULL,
  hits BIGINT NOT NULL
);
