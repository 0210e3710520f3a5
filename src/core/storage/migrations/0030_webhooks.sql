-- Signed webhooks for partner apps (option 3, domain/webhooks; docs/API.md, "Webhooks").
--
-- webhook_endpoints: a partner's https endpoint, the events it wants (space-separated
-- names) and its signing secret, sealed with a key derived from the server's secret key
-- (it must be usable to sign, so it cannot be hashed); shown once at creation.
CREATE TABLE webhook_endpoints (
  id {{id}},
  partner_id BIGINT NOT NULL REFERENCES partners (id) ON DELETE CASCADE,
  url TEXT NOT NULL,
  events TEXT NOT NULL,
  secret_sealed TEXT NOT NULL,
  active INTEGER NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL
);
CREATE INDEX webhook_endpoints_partner_idx ON webhook_endpoints (partner_id);

-- An event for a partner: its id is the idempotency key receivers see
-- (VivroVert-Event-Id), the body is fixed once so that retries and replays send the same
-- bytes. `user_id`: the person it is about, if any (deliveries stop when they withdraw).
CREATE TABLE webhook_events (
  id {{id}},
  partner_id BIGINT NOT NULL REFERENCES partners (id) ON DELETE CASCADE,
  event_type TEXT NOT NULL,
  user_id BIGINT REFERENCES users (id) ON DELETE CASCADE,
  body TEXT NOT NULL,
  created_at BIGINT NOT NULL
);

-- One delivery of an event to an endpoint: 'pending' (next attempt at next_attempt_at),
-- 'sending' (claimed until lease_until), 'delivered', 'failed' (gave up), 'cancelled' (the
-- person withdrew their consent first).
CREATE TABLE webhook_deliveries (
  id {{id}},
  event_id BIGINT NOT NULL REFERENCES webhook_events (id) ON DELETE CASCADE,
  endpoint_id BIGINT NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
  status TEXT NOT NULL CHECK (status IN ('pending', 'sending', 'delivered', 'failed',
                                         'cancelled')),
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at BIGINT NOT NULL,
  lease_until BIGINT,
  last_status INTEGER,
  last_error TEXT NOT NULL DEFAULT '',
  delivered_at BIGINT,
  created_at BIGINT NOT NULL,
  UNIQUE (event_id, endpoint_id)
);
CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (status, next_attempt_at);
CREATE INDEX webhook_deliveries_endpoint_idx ON webhook_deliveries (endpoint_id, id);

-- A person's link of their account to a partner's app (/compte/applications): an explicit
-- consent to the events about them listed on the page. unlinked_at set: withdrawn.
CREATE TABLE app_links (
  user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  partner_id BIGINT NOT NULL REFERENCES partners (id) ON DELETE CASCADE,
  linked_at BIGINT NOT NULL,
  unlinked_at BIGINT,
  PRIMARY KEY (user_id, partner_id)
);
