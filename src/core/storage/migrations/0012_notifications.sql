-- Telling people about listings (src/notifications, src/nightly): the listings waiting to
-- be matched, what each person was told, and the nightly runs that send digests and lead
-- reports.

-- A listing created or changed, waiting for the matching pass (notifications/). Written
-- by ListingStore in the transaction of the change, so no change is missed, whichever
-- process made it (server, import command). `not_before` holds back a listing published
-- ahead of its validity ('YYYY-MM-DD'). A row is deleted in the transaction that records
-- its notifications.
CREATE TABLE listing_match_queue (
  listing_id BIGINT PRIMARY KEY REFERENCES listings (id) ON DELETE CASCADE,
  queued_at BIGINT NOT NULL,
  not_before TEXT
);

-- What a person was told about a listing: once per (person, listing), whatever the reason
-- and channel, so nobody hears of the same listing twice. reason: 'match' (the listing
-- fits their places and profile), 'prospect' (new in a commune of a tile they opened),
-- 'contact' (new in the green part of a partner territory of a saved search). channel:
-- 'instant' (mailed at once) or 'digest' (mailed by the next nightly digest: mailed_at is
-- NULL until then). digest_key names the digest that carried it.
CREATE TABLE notifications (
  id {{id}},
  user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  listing_id BIGINT NOT NULL REFERENCES listings (id) ON DELETE CASCADE,
  reason TEXT NOT NULL CHECK (reason IN ('match', 'prospect', 'contact')),
  channel TEXT NOT NULL CHECK (channel IN ('instant', 'digest')),
  created_at BIGINT NOT NULL,
  mailed_at BIGINT,
  digest_key TEXT,
  read_at BIGINT,
  UNIQUE (user_id, listing_id)
);
CREATE INDEX notifications_user_idx ON notifications (user_id, created_at);
CREATE INDEX notifications_waiting_idx ON notifications (mailed_at, user_id);

-- The digests read a batch of people's territory hits (leads, migration 0007).
CREATE INDEX search_territory_hits_user_idx ON search_territory_hits (user_id);

-- One nightly run per date (Europe/Paris). Its tasks are created once, then done by one
-- worker (SQLite) or several (PostgreSQL, FOR UPDATE SKIP LOCKED). A task is marked done
-- in the transaction that queues its mail, so a killed run resumes where it stopped.
CREATE TABLE nightly_runs (
  run_date TEXT PRIMARY KEY,
  started_at BIGINT NOT NULL,
  tasks_created_at BIGINT,
  finished_at BIGINT
);

CREATE TABLE nightly_tasks (
  run_date TEXT NOT NULL REFERENCES nightly_runs (run_date) ON DELETE CASCADE,
  kind TEXT NOT NULL CHECK (kind IN ('digest', 'lead_report')),
  subject_id BIGINT NOT NULL,
  done_at BIGINT,
  outcome TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (run_date, kind, subject_id)
);
CREATE INDEX nightly_tasks_todo_idx ON nightly_tasks (run_date, done_at, kind, subject_id);

-- A person's last digest: its period ('2026-11-28' daily, '2026-W48' weekly) and when
-- it was made, the start of the next digest's "what is new" window.
CREATE TABLE digest_state (
  user_id BIGINT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  last_period TEXT NOT NULL,
  last_digest_at BIGINT NOT NULL
);
