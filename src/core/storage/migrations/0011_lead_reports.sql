-- Lead reports (src/leads/lead_report.hpp): how often each partner's staff receive the
-- e-mail of their new contacts and prospects, and the reports already made.

ALTER TABLE partners ADD COLUMN lead_report_frequency TEXT NOT NULL DEFAULT 'monthly'
  CHECK (lead_report_frequency IN ('daily', 'weekly', 'monthly', 'none'));

-- One row per partner and period reported ("2026-11", "2026-W47", "2026-11-28"), written
-- in the transaction that queues the report's mails: a period with a row is not due again,
-- whichever day the nightly run catches it up. The counts are those the mails gave.
CREATE TABLE lead_report_runs (
  partner_id BIGINT NOT NULL REFERENCES partners (id) ON DELETE CASCADE,
  period_key TEXT NOT NULL,
  run_date TEXT NOT NULL,
  sent_at BIGINT NOT NULL,
  recipients INTEGER NOT NULL,
  contacts INTEGER NOT NULL,
  prospects INTEGER NOT NULL,
  anonymous_clicks INTEGER NOT NULL,
  PRIMARY KEY (partner_id, period_key)
);
