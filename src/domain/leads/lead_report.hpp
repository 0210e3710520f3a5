// The lead report: an e-mail to each staff member of a partner with its NEW contacts and
// prospects of the last complete period (day, ISO week or calendar month, as the partner
// chose: partners.lead_report_frequency), the consented details of the new people, the
// anonymous clicks of the period and links to the dashboard and to the frequency setting.
//
// Periods are calendar days of Europe/Paris (ICU's time-zone data): a run on date D (the
// nightly run's date in Paris) reports
//   daily   → D-1                                  key "2026-11-28"
//   weekly  → the previous ISO week, Monday–Sunday  key "2026-W47"  (due from its next Monday)
//   monthly → the previous calendar month           key "2026-11"   (due from the 1st)
// A report is made once per partner and period (table lead_report_runs, migration 0011)
// and each mail once per recipient (outbox idempotency key
// "lead_report:<partner id>:<period key>:<user id>"), so the nightly run may run on any
// day of the next period, twice, or after missed days: it sends each report once.
//
// "New" follows the dashboard's rules (lead_rules.hpp): a person is a new contact (new
// prospect) of the period when they are one at its last second and were not one just
// before its first (a contact who becomes a prospect is a new prospect). Everyone counts;
// only people with a consent in force are listed, with only what they consented to
// (lead_disclosure.hpp), at most kListedPeople of them (new prospects first, then new
// contacts, newest first in each).
//
// Thread safety: stateless functions on the caller's connection; database faults throw
// storage::StorageError.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/common/status.hpp"
#include "core/storage/database.hpp"
#include "domain/display/labels.hpp"
#include "domain/leads/lead_rules.hpp"
#include "domain/mail/templates.hpp"
#include "domain/partners/partner_store.hpp"

namespace vivrovert::leads {

// People named in one report at most; the others are "… et N autres".
inline constexpr size_t kListedPeople = 200;

// A period a report covers, as calendar days of Europe/Paris.
struct ReportPeriod {
  std::string key;        // "2026-11", "2026-W47", "2026-11-28"
  std::string first_day;  // "AAAA-MM-JJ", included
  std::string last_day;   // "AAAA-MM-JJ", included
  std::string words;  // "novembre 2026", "semaine du 16 au 22 novembre 2026", "28 novembre 2026"
  int64_t from = 0;   // first second (epoch) of first_day in Paris
  int64_t to = 0;     // last second (epoch) of last_day in Paris
};

// The period a run on `run_date` ("AAAA-MM-JJ") reports at `frequency`. Errors:
// InvalidArgument (field "run_date", French) for a malformed or impossible date;
// FailedPrecondition for ReportFrequency::kNone.
Result<ReportPeriod> ReportPeriodFor(partners::ReportFrequency frequency,
                                     const std::string& run_date);

// The first second (epoch) of `day` ("AAAA-MM-JJ") in Europe/Paris; nullopt when `day` is
// not a date.
std::optional<int64_t> ParisDayStart(const std::string& day);

// The partners whose report for the period of `run_date` is due (frequency not 'none', no
// lead_report_runs row for that period), by id. A malformed `run_date` is a bug of the
// caller: std::invalid_argument.
std::vector<int64_t> PartnersWithReportDue(storage::Connection& connection,
                                           const std::string& run_date);

// What a report says, computed without sending anything (also what the mails are made of).
struct LeadReportContent {
  ReportPeriod period;
  std::vector<Lead> new_contacts;   // newest first
  std::vector<Lead> new_prospects;  // newest first
  int64_t anonymous_clicks = 0;     // anonymous clicks on the partner's tiles during the period
};
LeadReportContent ComputeLeadReport(storage::Connection& connection, int64_t partner_id,
                                    const ReportPeriod& period);

// Aggregate: `{public_base_url, secret_key}` is enough.
struct LeadReportOptions {
  std::string public_base_url;  // e.g. "https://vivrovert.fr", for the links
  std::string secret_key;       // Config::SecretKey(), for the unsubscribe links
  // Reads out the communes of interest and the disclosed details; null: display::Labels()
  // (choices and numbers read out, communes and ROME codes without their names).
  const display::Labels* labels = nullptr;
};

// In the caller's transaction: records the report of `partner_id` for the period of
// `run_date` and queues one mail (templates/mail/lead_report.*) per staff member of the
// partner, whatever their role, except those who left the lead reports list
// (mail_opt_outs) or whose address bounces (mail_bounces). Returns the number of mails
// queued: 0 when this period's report was already made, or when the partner's frequency is
// 'none'. Errors: NotFound (no such partner), InvalidArgument (run_date), and the
// templates' errors.
Result<int> EnqueueLeadReport(storage::Connection& connection, const mail::MailTemplates& templates,
                              const LeadReportOptions& options, int64_t partner_id,
                              const std::string& run_date, int64_t now);

}  // namespace vivrovert::leads
