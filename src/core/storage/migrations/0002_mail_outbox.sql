-- Mail waiting to be sent, being sent, sent or given up. A message is enqueued in the same
-- transaction as the change that causes it; its idempotency key makes a second enqueue of
-- the same message a no-op, and becomes its Message-ID so that a resend after a crash
-- between SMTP acceptance and the 'sent' mark is recognisable by the receiver.
CREATE TABLE mail_outbox (
  id {{id}},
  idempotency_key TEXT NOT NULL UNIQUE,
  to_address TEXT NOT NULL,
  subject TEXT NOT NULL,
  body_text TEXT NOT NULL,
  body_html TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('pending', 'sending', 'sent', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at BIGINT NOT NULL,
  lease_until BIGINT,
  last_error TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  sent_at BIGINT
);
CREATE INDEX mail_outbox_due_idx ON mail_outbox (status, next_attempt_at);
