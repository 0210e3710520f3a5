#include "domain/listings/import_runner.hpp"

#include <map>

#include "core/common/text.hpp"
#include "domain/listings/france_travail.hpp"
#include "domain/listings/listing_file.hpp"

namespace vivrovert::listings {

ImportResult RunImport(ListingService& service, const Publisher& publisher,
                       const ImportRequest& request) {
  ImportResult result;
  ImportRecord& record = result.record;
  record.partner_id = publisher.partner_id;
  record.source_key = publisher.source_key;
  record.kind = request.kind ? KindName(*request.kind) : "mixed";
  record.file_name = request.file_name.substr(0, 200);
  record.file_sha256 = Sha256Hex(request.bytes);
  record.mode = request.mode;
  record.dry_run = request.dry_run;
  record.created_by = request.user_id;

  std::vector<BatchItem> items;
  std::map<std::string, std::string> columns;  // field → the file's header cell (CSV)
  if (request.bytes.size() > kMaxImportBytes) {
    result.read_status = ResourceExhausted("Fichier trop volumineux : 10 Mo au plus par import.");
  } else if (request.format == "france-travail") {
    record.file_format = "france-travail";
    record.kind = KindName(Kind::kJob);
    Result<std::vector<BatchItem>> offers = ReadFranceTravailOffers(request.bytes);
    if (offers.ok()) {
      items = std::move(offers).value();
    } else {
      result.read_status = offers.status();
    }
  } else {
    Result<ListingFile> file = ReadListingFile(request.bytes, request.file_name, request.kind);
    if (file.ok()) {
      record.file_format = file->format;
      for (size_t column = 0; column < file->columns.size() && column < file->headers.size();
           ++column) {
        if (!file->columns[column].empty()) columns[file->columns[column]] = file->headers[column];
      }
      items = std::move(file->items);
    } else {
      result.read_status = file.status();
    }
  }
  if (record.file_format.empty()) record.file_format = "unknown";
  record.rows_total = static_cast<int64_t>(items.size());
  if (result.read_status.ok()) {
    record.report = service.ApplyBatch(publisher, items, request.mode, request.dry_run);
    record.report.columns = std::move(columns);
  } else {
    record.report.dry_run = request.dry_run;
    record.report.items.push_back({0,
                                   std::nullopt,
                                   std::nullopt,
                                   std::nullopt,
                                   {{result.read_status.field(), result.read_status.message()}}});
  }
  record.outcome = result.read_status.ok() ? OutcomeOf(record.report, request.mode) : "rejected";
  record.report_json = record.report.ToJson();
  record.created_at = service.Now();
  storage::Connection connection = service.database().Acquire();
  record.id = ImportLog::Record(connection, record);
  return result;
}

}  // namespace vivrovert::listings
