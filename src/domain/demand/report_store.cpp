#include "domain/demand/report_store.hpp"

namespace vivrovert::demand {

namespace {

constexpr const char* kColumns =
    "id, partner_id, kind, first_day, last_day, issued_on, months, figures, grid_built, demo, "
    "recipients, created_at";

StoredReport ReadReport(const storage::Row& row) {
  StoredReport report;
  report.id = row.Int(0);
  report.partner_id = row.Int(1);
  report.kind = row.Text(2) == "diagnostic" ? ReportKind::kDiagnostic : ReportKind::kBarometer;
  report.first_day = row.Text(3);
  report.last_day = row.Text(4);
  report.issued_on = row.Text(5);
  report.months = static_cast<int>(row.Int(6));
  report.figures = row.Text(7);
  report.grid_built = row.Text(8);
  report.demo = row.Int(9) != 0;
  report.recipients = row.Int(10);
  report.created_at = row.Int(11);
  return report;
}

}  // namespace

const char* ReportKindName(ReportKind kind) {
  return kind == ReportKind::kDiagnostic ? "diagnostic" : "barometer";
}

int ReportStore::Months(storage::Connection& connection, int64_t partner_id) {
  std::optional<storage::Row> row = connection.QueryOne(
      "SELECT months FROM barometer_settings WHERE partner_id = $1", {partner_id});
  return row ? static_cast<int>(row->Int(0)) : kDefaultReportMonths;
}

Status ReportStore::SetMonths(storage::Connection& connection, int64_t partner_id, int months,
                              int64_t now) {
  if (months < kMinReportMonths || months > kMaxReportMonths) {
    return InvalidArgument("Fréquence du baromètre invalide : de " +
                               std::to_string(kMinReportMonths) + " à " +
                               std::to_string(kMaxReportMonths) + " mois.",
                           "mois");
  }
  connection.Execute(
      "INSERT INTO barometer_settings (partner_id, months, updated_at) VALUES ($1, $2, $3) "
      "ON CONFLICT (partner_id) DO UPDATE SET months = excluded.months, "
      "updated_at = excluded.updated_at",
      {partner_id, int64_t{months}, now});
  return Status::Ok();
}

std::optional<int64_t> ReportStore::Insert(storage::Connection& connection,
                                           const StoredReport& report) {
  std::optional<storage::Row> inserted = connection.QueryOne(
      "INSERT INTO barometer_reports (partner_id, kind, first_day, last_day, issued_on, months, "
      "figures, grid_built, demo, recipients, created_at) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) "
      "ON CONFLICT (partner_id, last_day) DO NOTHING RETURNING id",
      {report.partner_id, std::string(ReportKindName(report.kind)), report.first_day,
       report.last_day, report.issued_on, int64_t{report.months}, report.figures, report.grid_built,
       int64_t{report.demo ? 1 : 0}, report.recipients, report.created_at});
  if (!inserted) return std::nullopt;
  return inserted->Int(0);
}

void ReportStore::SetRecipients(storage::Connection& connection, int64_t report_id,
                                int64_t recipients) {
  connection.Execute("UPDATE barometer_reports SET recipients = $1 WHERE id = $2",
                     {recipients, report_id});
}

std::vector<StoredReport> ReportStore::List(storage::Connection& connection, int64_t partner_id) {
  std::vector<StoredReport> reports;
  for (const storage::Row& row :
       connection.Query(std::string("SELECT ") + kColumns +
                            " FROM barometer_reports WHERE partner_id = $1 ORDER BY last_day DESC",
                        {partner_id})) {
    reports.push_back(ReadReport(row));
  }
  return reports;
}

std::optional<StoredReport> ReportStore::Get(storage::Connection& connection, int64_t partner_id,
                                             int64_t report_id) {
  std::optional<storage::Row> row =
      connection.QueryOne(std::string("SELECT ") + kColumns +
                              " FROM barometer_reports WHERE partner_id = $1 AND id = $2",
                          {partner_id, report_id});
  if (!row) return std::nullopt;
  return ReadReport(*row);
}

std::optional<StoredReport> ReportStore::Before(storage::Connection& connection, int64_t partner_id,
                                                const std::string& first_day) {
  std::optional<storage::Row> row =
      connection.QueryOne(std::string("SELECT ") + kColumns +
                              " FROM barometer_reports WHERE partner_id = $1 AND last_day < $2 "
                              "ORDER BY last_day DESC LIMIT 1",
                          {partner_id, first_day});
  if (!row) return std::nullopt;
  return ReadReport(*row);
}

}  // namespace vivrovert::demand
