// The nightly run (`vivrovert nightly`, and the server's scheduler outside the midnight–1
// a.m. maintenance window): catch up the matching pass, then send each person's digest
// (jobs/nightly/digest.hpp says what it holds) and each partner's lead report that is due.
//
// A run is named by its Paris date. Its tasks (one per person who may get a digest, one
// per partner whose report is due) are created once, then done in batches: one batch is
// one transaction that queues the batch's mails (outbox, idempotency keys
// "digest:<user>:<period>"), records what each person was told (notifications/) and marks
// the tasks done. Hence:
//  - killed in the middle (kill -9), the next run of the same date resumes with the tasks
//    not done; a batch cut short left nothing behind;
//  - run twice, the second finds nothing to do; even a task done again would queue no mail
//    twice (same idempotency key) nor tell a listing twice (the notification ledger);
//  - on PostgreSQL several processes share a run: batches are taken with
//    FOR UPDATE SKIP LOCKED; on SQLite batches queue on the write lock (one worker).
// Then it issues the invoices the contracts' schedules call for up to the run date and
// queues the reminders of overdue invoices (domain/invoices/invoicing.hpp: a page of
// contracts per transaction, each instalment invoiced once, numbers unbroken, so a run cut
// short is completed by the next one).
// Then the periodic barometers due (option 1, domain/demand/periodic_report.hpp: a
// transaction a partner, each report once, each mail once per recipient).
// Last, the run applies the retention of personal data (jobs/nightly/retention.hpp); the run is
// marked finished only once it is done, so a retention cut short is done again.
//
// Periods: a daily digest (and the news sections of an instant person) is per run date;
// a weekly one per ISO week, sent by the first run of the week. A person whose digest
// would be empty gets no mail, and their next window starts from their last digest.
// Only verified addresses that have not bounced get digests; others keep their
// notifications in the in-site list.
//
// Thread safety: Run may be called from several threads and processes at once.
#pragma once

#include <cstdint>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "core/common/env.hpp"
#include "core/storage/database.hpp"
#include "domain/invoices/invoice_store.hpp"
#include "domain/mail/outbox.hpp"
#include "domain/mail/templates.hpp"
#include "domain/notifications/notification_pass.hpp"
#include "domain/notifications/notification_store.hpp"
#include "engine/engine.hpp"
#include "jobs/nightly/digest.hpp"
#include "jobs/nightly/retention.hpp"

namespace vivrovert::nightly {

// Lead reports are leads/' business; the run only schedules them (nightly/ does not depend
// on leads/).
struct LeadReportHooks {
  // Partners whose report for the period ending before `run_date` is due.
  std::function<std::vector<int64_t>(storage::Connection&, const std::string& run_date)>
      partners_due;
  // Queues the report of `partner_id` in the caller's transaction; returns the mails queued.
  std::function<Result<int>(storage::Connection&, int64_t partner_id, const std::string& run_date,
                            int64_t now)>
      enqueue;
};

struct NightlyOptions {
  std::string public_base_url = "http://localhost:8080";
  std::string secret_key;  // signs the unsubscribe links
  int batch = 200;         // people per transaction
  int pause_ms = 0;        // wait between batches, to spare a busy database
  // Told after each batch ("digests: 400 done, 12 mails"); may be empty.
  std::function<void(const std::string&)> progress;
  // What personal data is kept how long (jobs/nightly/retention.hpp), applied at the end of
  // every run.
  RetentionPolicy retention;
  // The seller's legal mentions copied into the invoices issued (config `publisher.*`).
  invoices::Seller seller;
};

struct NightlyReport {
  std::string run_date;
  notifications::PassReport pass;
  int64_t digest_tasks_done = 0;  // by this call
  int64_t digests_queued = 0;
  int64_t digests_empty = 0;    // nothing new for the person
  int64_t digests_not_due = 0;  // weekly person already served this week, or none
  int64_t undeliverable = 0;    // unverified or bouncing address
  int64_t news_told = 0;        // prospect and contact notifications recorded
  int64_t report_tasks_done = 0;
  int64_t report_mails = 0;
  int64_t invoices_issued = 0;
  int64_t invoice_reminders = 0;
  int64_t barometer_reports = 0;  // periodic barometers issued (demand/periodic_report.hpp)
  int64_t barometer_mails = 0;
  RetentionReport retention;
  bool finished = false;  // every task of the run is done
  double seconds = 0;
};

class NightlyRun {
 public:
  // Keeps references; `grid` may be null (prospect communes then come from nothing:
  // that section stays empty, and communes are shown by code).
  NightlyRun(storage::Database& database, notifications::NotificationPass& pass,
             const mail::MailTemplates& templates, const engine::GridFile* grid, const Clock& clock,
             NightlyOptions options, LeadReportHooks reports = {});

  NightlyReport Run(const std::string& run_date);

  // Whether the run of `run_date` has finished (every task done).
  static bool Finished(storage::Connection& connection, const std::string& run_date);

  // Deletes finished runs dated before `run_date` with their tasks (whose subjects are
  // user ids), at most `limit` runs; for the retention. Returns the runs deleted.
  static int64_t PurgeRunsBefore(storage::Connection& connection, const std::string& run_date,
                                 int limit);

 private:
  struct RunState;
  struct DigestBatchData;
  struct DigestBatchWrites;
  void CreateTasks(const std::string& run_date, int64_t now);
  // One batch of digests: claim the tasks, load what they need through the owners' batch
  // reads, decide in pure code, write; false when no task was left.
  bool DigestBatch(RunState& state, NightlyReport& report);
  DigestBatchData LoadDigestBatch(storage::Connection& connection, std::vector<int64_t> users,
                                  RunState& state) const;
  DigestBatchWrites DecideDigests(const DigestBatchData& data, const RunState& state) const;
  void WriteDigests(storage::Connection& connection, const DigestBatchWrites& writes,
                    const RunState& state, NightlyReport& report);
  std::set<std::string> CommunesOfTiles(const std::vector<std::string>& tiles) const;
  // The digest's mail; appends the news it tells (prospects, contacts) to `news_rows`.
  mail::OutgoingMessage RenderDigest(const DigestContent& content,
                                     const notifications::Recipient& recipient, bool weekly,
                                     const std::string& run_date, const std::string& digest_key,
                                     std::vector<notifications::NewNotification>& news_rows,
                                     int64_t now) const;
  bool ReportBatch(const std::string& run_date, NightlyReport& report);

  storage::Database& database_;
  notifications::NotificationPass& pass_;
  const mail::MailTemplates& templates_;
  const engine::GridFile* grid_;
  const Clock& clock_;
  NightlyOptions options_;
  LeadReportHooks reports_;
};

}  // namespace vivrovert::nightly
