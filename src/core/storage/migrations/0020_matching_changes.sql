-- The change log every server process tails to keep its in-memory matching index in step
-- with edits made through other processes (src/domain/matching/change_log.hpp): one row
-- per person whose places or wishes changed, with the process that made the change
-- (`origin`, which skips its own rows). Rows hold only a user id and a time, and are purged
-- after a day, long after every running process has read them (a process started later
-- reads the database itself).
CREATE TABLE matching_changes (
  id {{id}},
  user_id BIGINT NOT NULL,
  origin TEXT NOT NULL,
  changed_at BIGINT NOT NULL
);
CREATE INDEX matching_changes_changed_at_idx ON matching_changes (changed_at);
