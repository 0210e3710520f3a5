#include "domain/listings/import_log.hpp"

namespace vivrovert::listings {

namespace {

using nlohmann::json;
using storage::SqlValue;

constexpr const char* kColumns =
    "id, partner_id, source_key, kind, file_name, file_sha256, file_format, mode, dry_run, "
    "outcome, rows_total, "
    "created_count, updated_count, unchanged_count, rejected_count, report, created_by, created_at";

ImportRecord FromRow(const storage::Row& row, bool with_report) {
  ImportRecord record;
  record.id = row.Int(0);
  record.partner_id = row.OptionalInt(1);
  record.source_key = row.Text(2);
  record.kind = row.Text(3);
  record.file_name = row.Text(4);
  record.file_sha256 = row.Text(5);
  record.file_format = row.Text(6);
  record.mode = row.Text(7) == "valid_rows" ? BatchMode::kValidItems : BatchMode::kAllOrNothing;
  record.dry_run = row.Int(8) != 0;
  record.outcome = row.Text(9);
  record.rows_total = row.Int(10);
  record.report.created = row.Int(11);
  record.report.updated = row.Int(12);
  record.report.unchanged = row.Int(13);
  record.report.rejected = row.Int(14);
  record.report.dry_run = record.dry_run;
  if (with_report) {
    record.report_json = json::parse(row.Text(15), nullptr, false);
    if (record.report_json.is_discarded()) record.report_json = json::object();
  }
  record.created_by = row.OptionalInt(16);
  record.created_at = row.Int(17);
  return record;
}

}  // namespace

std::string OutcomeOf(const BatchReport& report, BatchMode mode) {
  if (report.dry_run) return "dry_run";
  if (mode == BatchMode::kAllOrNothing && report.rejected > 0) return "rejected";
  return "applied";
}

int64_t ImportLog::Record(storage::Connection& connection, const ImportRecord& record) {
  auto row = connection.QueryOne(
      "INSERT INTO listing_imports (partner_id, source_key, kind, file_name, file_sha256, "
      "file_format, mode, dry_run, "
      "outcome, rows_total, created_count, updated_count, unchanged_count, rejected_count, report, "
      "created_by, "
      "created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, "
      "$17) RETURNING id",
      {record.partner_id ? SqlValue(*record.partner_id) : SqlValue(nullptr), record.source_key,
       record.kind, record.file_name, record.file_sha256, record.file_format,
       std::string(record.mode == BatchMode::kValidItems ? "valid_rows" : "all_or_nothing"),
       static_cast<int64_t>(record.dry_run ? 1 : 0), record.outcome, record.rows_total,
       record.report.created, record.report.updated, record.report.unchanged,
       record.report.rejected, record.report.ToJson().dump(),
       record.created_by ? SqlValue(*record.created_by) : SqlValue(nullptr), record.created_at});
  return row->Int(0);
}

std::optional<ImportRecord> ImportLog::Get(storage::Connection& connection, int64_t id) {
  auto row = connection.QueryOne(
      std::string("SELECT ") + kColumns + " FROM listing_imports WHERE id = $1", {id});
  if (!row) return std::nullopt;
  return FromRow(*row, true);
}

std::vector<ImportRecord> ImportLog::Recent(storage::Connection& connection,
                                            std::optional<int64_t> partner_id, int limit) {
  std::vector<ImportRecord> records;
  const std::vector<storage::Row> rows =
      partner_id ? connection.Query(
                       std::string("SELECT ") + kColumns +
                           " FROM listing_imports WHERE partner_id = $1 ORDER BY id DESC LIMIT $2",
                       {*partner_id, static_cast<int64_t>(limit)})
                 : connection.Query(std::string("SELECT ") + kColumns +
                                        " FROM listing_imports ORDER BY id DESC LIMIT $1",
                                    {static_cast<int64_t>(limit)});
  for (const storage::Row& row : rows) records.push_back(FromRow(row, false));
  return records;
}

}  // namespace vivrovert::listings
