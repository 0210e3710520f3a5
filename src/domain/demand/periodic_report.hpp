// The periodic barometer (issue #20, "Reports", option 1): the initial diagnostic on the
// day option 1 starts, then a barometer every N months (ReportStore::Months: 6 unless an
// operator set 3 to 12), each compared with the report before it, stored as issued
// (report_store.hpp), listed on the barometer page and mailed to the partner's staff by
// the night's run.
//
// The schedule, from the first day option 1 is in force (`anchor`):
//   diagnostic   the kDiagnosticDays days before the anchor, issued from the anchor on
//   barometer    from the day after the previous report (the anchor when later: a new
//                contract after a gap) for N months, issued from the day after its last day
// A run on any later day issues what is due, the missed ones in order (at most
// kMaxReportsPerRun a partner), and mails only the latest; the frequency in force when a
// report is issued sets its length.
//
// Idempotent: one report per partner and last day (the table's unique key: a second worker
// inserts nothing) and one mail per report and recipient (outbox idempotency key
// "barometer_report:<report id>:<user id>"). The mail goes to every staff member except
// those who left the partners' reports list (mail_opt_outs, the lead reports' list) or
// whose address bounces.
//
// Thread safety: stateless functions; IssueDueReports may run from several processes.
// Errors: database faults throw storage::StorageError; a template error is a Status.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/common/status.hpp"
#include "core/storage/database.hpp"
#include "domain/demand/barometer.hpp"
#include "domain/demand/report_store.hpp"
#include "domain/documents/pdf_document.hpp"
#include "domain/mail/templates.hpp"
#include "engine/engine.hpp"

namespace vivrovert::demand {

// The diagnostic's period: the days before option 1 starts (the barometer page's period).
inline constexpr int kDiagnosticDays = 90;
inline constexpr int kMaxReportsPerRun = 24;

struct DueReport {
  ReportKind kind = ReportKind::kBarometer;
  std::string first_day;  // "AAAA-MM-JJ", inclusive
  std::string last_day;
  std::string due_on;  // the first run date that issues it
  int months = 0;      // 0 for the diagnostic
};

// The report owed after the one ending on `previous_last_day` (none: the diagnostic), for
// option 1 in force since `anchor` at `months` months. nullopt on a malformed date.
std::optional<DueReport> NextReport(const std::string& anchor, int months,
                                    const std::optional<std::string>& previous_last_day);

// The days of [first_day, last_day], inclusive; 0 on a malformed date.
int PeriodDays(const std::string& first_day, const std::string& last_day);

// The first second (epoch) of the Paris day `day`; nullopt on a malformed date.
std::optional<int64_t> ParisDayStart(const std::string& day);

// The figures as stored with the report, and back (nullopt on malformed JSON).
std::string FiguresToJson(const BarometerFigures& figures);
std::optional<BarometerFigures> FiguresFromJson(const std::string& text);

struct CriterionChange {
  std::string criterion;
  std::string label;
  int64_t asked_before = 0;
  int64_t asked_now = 0;
  int64_t blocked_before = 0;
  int64_t blocked_now = 0;
};

// A report against the one before it. Periods may differ in length (the diagnostic's 90
// days against 6 months): the searches are also compared per day.
struct ReportComparison {
  std::string first_day_before;
  std::string last_day_before;
  int days_before = 0;
  int days_now = 0;
  int64_t searches_before = 0;
  int64_t searches_now = 0;
  int64_t green_before = 0;
  int64_t green_now = 0;
  // The current report's criteria in its order, then those only the previous one had.
  std::vector<CriterionChange> criteria;
};
ReportComparison CompareReports(const BarometerFigures& previous, const BarometerFigures& current);

// "+3", "−2", "0"; "+1,5 pt" for shares (in percentage points).
std::string SignedCount(int64_t change);
std::string SignedPoints(double share_change);

// The report as a PDF: its kind and period, the comparison with the previous report when
// there is one, then the barometer's sections with their charts.
documents::PdfDocument PeriodicReportPdf(const StoredReport& report,
                                         const BarometerFigures& figures,
                                         const std::optional<ReportComparison>& comparison,
                                         const std::string& partner_name);

// "Diagnostic initial" / "Baromètre".
std::string ReportTitle(ReportKind kind);

struct ReportMailOptions {
  std::string public_base_url;  // for the links
  std::string secret_key;       // signs the unsubscribe links
};

struct IssueSummary {
  int64_t partners = 0;  // partners with option 1 in force on the run date
  int64_t reports = 0;   // reports issued by this call
  int64_t mails = 0;     // mails queued
};

// Issues the reports due on `run_date` ("AAAA-MM-JJ", Paris) for every partner with option
// 1 in force that day, one transaction a partner, and queues their mails. Nothing without
// a grid (`grid` null).
Result<IssueSummary> IssueDueReports(storage::Database& database, const engine::GridFile* grid,
                                     const mail::MailTemplates& templates,
                                     const ReportMailOptions& options, const std::string& run_date,
                                     int64_t now);

// The first day option 1 is in force for `partner_id` in the run of subscriptions in force
// on `date` (its own, or through a grouping); nullopt when it is not in force that day.
std::optional<std::string> Option1Since(storage::Connection& connection, int64_t partner_id,
                                        const std::string& date);

}  // namespace vivrovert::demand
