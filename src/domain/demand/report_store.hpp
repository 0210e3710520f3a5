// The tables of the periodic barometer (migration 0032), their one owner: the reports as
// issued (barometer_reports) and the frequency operators set per partner
// (barometer_settings). Other parts read them through these functions only.
//
// Thread safety: stateless functions on the caller's connection.
// Errors: database faults throw storage::StorageError.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/common/status.hpp"
#include "core/storage/database.hpp"

namespace vivrovert::demand {

// The frequency of the barometer, in months: 6 unless an operator set 3 to 12. The client's
// proposal advises not to go under 6 (« nous conseillons de ne pas abaisser la fréquence à
// moins de 6 mois »): the pages say so below it.
inline constexpr int kDefaultReportMonths = 6;
inline constexpr int kMinReportMonths = 3;
inline constexpr int kMaxReportMonths = 12;
inline constexpr int kAdvisedMinReportMonths = 6;

enum class ReportKind { kDiagnostic, kBarometer };
const char* ReportKindName(ReportKind kind);  // "diagnostic", "barometer" (stored)

struct StoredReport {
  int64_t id = 0;
  int64_t partner_id = 0;
  ReportKind kind = ReportKind::kBarometer;
  std::string first_day;  // "AAAA-MM-JJ", Paris, inclusive
  std::string last_day;
  std::string issued_on;
  int months = 0;          // 0 for the diagnostic
  std::string figures;     // JSON (periodic_report.hpp: FiguresToJson)
  std::string grid_built;  // "JJ/MM/AAAA"
  bool demo = false;
  int64_t recipients = 0;
  int64_t created_at = 0;
};

class ReportStore {
 public:
  // The partner's frequency (kDefaultReportMonths when none was set).
  static int Months(storage::Connection& connection, int64_t partner_id);
  // InvalidArgument (field "mois", French) outside [kMinReportMonths, kMaxReportMonths].
  static Status SetMonths(storage::Connection& connection, int64_t partner_id, int months,
                          int64_t now);

  // Records `report` (its id is ignored); the new id, or nullopt when the partner already
  // has a report ending on that day (another worker made it).
  static std::optional<int64_t> Insert(storage::Connection& connection, const StoredReport& report);
  static void SetRecipients(storage::Connection& connection, int64_t report_id, int64_t recipients);
  // The partner's reports, the latest period first.
  static std::vector<StoredReport> List(storage::Connection& connection, int64_t partner_id);
  // The partner's report `report_id`; nullopt when it is not the partner's.
  static std::optional<StoredReport> Get(storage::Connection& connection, int64_t partner_id,
                                         int64_t report_id);
  // The partner's report ending just before `first_day` (the one a report compares with).
  static std::optional<StoredReport> Before(storage::Connection& connection, int64_t partner_id,
                                            const std::string& first_day);
};

}  // namespace vivrovert::demand
