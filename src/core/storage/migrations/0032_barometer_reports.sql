-- The periodic barometer (src/domain/demand, issue #20, "Reports"): the reports every N
-- months, stored as issued, and the frequency operators set per partner. Owned by
-- demand::ReportStore. No person in them: the figures are counts of recorded searches.
--
-- barometer_settings: a partner's frequency in months (3 to 12); no row = 6, the default
-- the client's proposal advises not to go under.
CREATE TABLE barometer_settings (
  partner_id BIGINT PRIMARY KEY REFERENCES partners (id) ON DELETE CASCADE,
  months INTEGER NOT NULL CHECK (months >= 3 AND months <= 12),
  updated_at BIGINT NOT NULL
);

-- barometer_reports: one per partner and period, made once by the night's run.
--   kind       'diagnostic' (the initial snapshot, the days before option 1 starts) or
--              'barometer' (every N months after it)
--   first_day, last_day   the period, Paris days, inclusive; a barometer's starts the day
--              after the previous report's last day
--   months     the frequency it was issued at (0 for the diagnostic)
--   figures    the barometer's figures of the period as JSON (demand/periodic_report.cpp),
--              so that the report and its comparison never change once issued
--   grid_built the grid the tiles' values came from, "JJ/MM/AAAA"
--   recipients the staff members it was mailed to
CREATE TABLE barometer_reports (
  id {{id}},
  partner_id BIGINT NOT NULL REFERENCES partners (id) ON DELETE CASCADE,
  kind TEXT NOT NULL CHECK (kind IN ('diagnostic', 'barometer')),
  first_day TEXT NOT NULL,
  last_day TEXT NOT NULL,
  issued_on TEXT NOT NULL,
  months INTEGER NOT NULL,
  figures TEXT NOT NULL,
  grid_built TEXT NOT NULL,
  demo INTEGER NOT NULL DEFAULT 0,
  recipients INTEGER NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  UNIQUE (partner_id, last_day)
);
