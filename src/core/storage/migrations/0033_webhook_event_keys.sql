-- Webhook events raised from the leads and the matching pass (domain/webhooks,
-- partner_app_events.hpp) carry a key naming what they are about ("lead.created:…",
-- "listing.matched:…"): one event per key and partner, so a lead recorded twice or a
-- matching pass run twice raises one event (the receivers' idempotency key is the event's
-- id). NULL for the events raised once by nature (campaign.result, consent.withdrawn).
ALTER TABLE webhook_events ADD COLUMN event_key TEXT;
CREATE UNIQUE INDEX webhook_events_key_idx ON webhook_events (partner_id, event_key);
