-- Mail lists and their faults: extra headers of a queued message (List-Unsubscribe and
-- List-Unsubscribe-Post, RFC 8058, for the mails people can leave), the addresses the relay
-- refused for good (bounces), and the mailing lists people left by one-click unsubscribe.

-- JSON array of [name, value] pairs, written by mail::Enqueue ('' for none).
ALTER TABLE mail_outbox ADD COLUMN headers TEXT NOT NULL DEFAULT '';

-- "Sent in the last 24 h" for the operator (mail::CountOutbox) without scanning the sent
-- mail, which accumulates.
CREATE INDEX mail_outbox_sent_idx ON mail_outbox (status, sent_at);

-- An address the relay refused permanently (5xx) for one of our messages. Producers of
-- list mail (notifications, digests, lead reports) skip it, account mails still try.
-- Cleared when the person changes their address (the row is per address).
CREATE TABLE mail_bounces (
  address TEXT PRIMARY KEY,
  first_failed_at BIGINT NOT NULL,
  last_failed_at BIGINT NOT NULL,
  failures INTEGER NOT NULL DEFAULT 1,
  last_error TEXT NOT NULL DEFAULT '',
  outbox_id BIGINT
);

-- Lists a person left ('lead_reports' for partner staff. A person's listing mails are
-- governed by profiles.notification, which an unsubscribe sets to 'none').
CREATE TABLE mail_opt_outs (
  user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  list TEXT NOT NULL CHECK (list IN ('lead_reports')),
  created_at BIGINT NOT NULL,
  PRIMARY KEY (user_id, list)
);
