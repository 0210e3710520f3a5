#include "web/partners/page_parts.hpp"

#include <nlohmann/json.hpp>

#include "core/common/text.hpp"
#include "domain/listings/listing_schema.hpp"

namespace vivrovert::partners {

using nlohmann::json;

Result<int64_t> ParsePageId(const std::string& text) {
  std::optional<int64_t> id = ParsePositiveId(text);
  if (!id) return NotFound("Page introuvable.");
  return *id;
}

// Dates on pages, in the French form (JJ/MM/AAAA).
std::string FormatDate(int64_t seconds) {
  return seconds == 0 ? std::string() : display::Labels::Date(seconds);
}

const char* StatusLabel(const std::string& status) {
  return display::Labels::ListingStatus(status);
}

mstch::map ListingRow(const listings::Listing& listing, const std::string& today,
                      const std::string& base, const display::Labels& labels) {
  const std::string status = listing.StatusOn(today);
  return mstch::map{{"id", std::to_string(listing.id)},
                    {"href", base + "/annonces/" + std::to_string(listing.id)},
                    {"title", listing.title},
                    {"kind", std::string(listings::KindLabel(listing.kind))},
                    {"status", status},
                    {"status_label", std::string(StatusLabel(status))},
                    {"commune_code", listing.commune_code},
                    {"commune", labels.Commune(listing.commune_code)},
                    {"precision_approximate", listing.precision != listings::Precision::kExact},
                    {"external_id", listing.external_id.value_or("")},
                    {"updated", FormatDate(listing.updated_at)},
                    {"is_demo", listing.is_demo}};
}

mstch::map ReportData(const listings::ImportRecord& record, const std::string& base) {
  mstch::array rejected;
  int shown = 0;
  if (record.report_json.contains("items")) {
    for (const json& item : record.report_json["items"]) {
      if (!item.contains("errors")) continue;
      for (const json& error : item["errors"]) {
        if (++shown > 500) break;
        // Line 0 is the file as a whole (unreadable, too large): no line to point at.
        const int64_t line = item.value("line", int64_t{0});
        const std::string field = error.value("field", "");
        // The column as the file named it ("Prix"), else the field ("price_eur").
        const std::string column = error.value("column", field);
        rejected.push_back(mstch::map{
            {"line", line > 0 ? std::to_string(line) : std::string("—")},
            {"field",
             line <= 0 && (field.empty() || field == "file") ? std::string("fichier") : column},
            {"message", error.value("message", "")}});
      }
    }
  }
  const std::string outcome = record.outcome;
  return mstch::map{
      {"id", std::to_string(record.id)},
      {"href", base + "/import/" + std::to_string(record.id)},
      {"file_name", record.file_name},
      {"date", FormatDate(record.created_at)},
      {"format", std::string(record.file_format == "csv"              ? "CSV"
                             : record.file_format == "json"           ? "JSON"
                             : record.file_format == "france-travail" ? "JSON France Travail"
                                                                      : "format non reconnu")},
      {"dry_run", record.dry_run},
      {"outcome", outcome},
      {"outcome_label",
       std::string(outcome == "applied"   ? "Importé"
                   : outcome == "dry_run" ? "Essai à blanc (rien n'a été enregistré)"
                                          : "Refusé : rien n'a été enregistré")},
      {"rejected_file", outcome == "rejected"},
      {"rows", std::to_string(record.rows_total)},
      {"created", std::to_string(record.report.created)},
      {"updated", std::to_string(record.report.updated)},
      {"unchanged", std::to_string(record.report.unchanged)},
      {"rejected_count", std::to_string(record.report.rejected)},
      {"has_rejected", !rejected.empty()},
      {"rejected", rejected}};
}

}  // namespace vivrovert::partners
