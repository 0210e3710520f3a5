#include "domain/listings/listing_export.hpp"

#include <set>

#include "domain/exports/table_export.hpp"

namespace vivrovert::listings {

namespace {

using nlohmann::json;

using exports::Cell;

std::vector<std::string> FieldColumns() {
  std::vector<std::string> names;
  std::set<std::string> seen;
  for (const FieldSpec& spec : CommonFields()) {
    if (seen.insert(spec.name).second) names.push_back(spec.name);
  }
  for (Kind kind : kAllKinds) {
    for (const FieldSpec& spec : KindFields(kind)) {
      if (seen.insert(spec.name).second) names.push_back(spec.name);
    }
  }
  return names;
}

Cell TextCell(std::string_view text) { return Cell::Text(text); }

Cell NumberCell(double value) { return Cell::Number(value); }

Cell CellOf(const json& value) {
  if (value.is_null()) return {};
  if (value.is_string()) return TextCell(value.get<std::string>());
  if (value.is_boolean()) return TextCell(value.get<bool>() ? "oui" : "non");
  if (value.is_number()) return NumberCell(value.get<double>());
  if (value.is_array()) {
    std::string joined;
    for (const json& item : value) {
      joined += joined.empty() ? "" : "|";
      joined += item.is_string() ? item.get<std::string>() : item.dump();
    }
    return TextCell(joined);
  }
  return TextCell(value.dump());
}

std::vector<std::vector<Cell>> Rows(const std::vector<Listing>& listings, const std::string& today,
                                    const ExportOptions& options) {
  const std::vector<std::string> fields = FieldColumns();
  std::vector<std::vector<Cell>> rows;
  rows.reserve(listings.size());
  for (const Listing& listing : listings) {
    std::vector<Cell> row;
    row.push_back(NumberCell(static_cast<double>(listing.id)));
    row.push_back(TextCell(KindName(listing.kind)));
    row.push_back(TextCell(listing.StatusOn(today)));
    const json values = listing.Fields();
    for (const std::string& name : fields) {
      auto found = values.find(name);
      row.push_back(found == values.end() ? Cell{} : CellOf(*found));
    }
    if (options.commune_name) row.push_back(TextCell(options.commune_name(listing.commune_code)));
    row.push_back(TextCell(PrecisionName(listing.precision)));
    row.push_back(TextCell(listing.tile_1km));
    row.push_back(TextCell(listing.tile_5km));
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace

std::vector<std::string> ExportColumns(const ExportOptions& options) {
  std::vector<std::string> columns = {"id", "kind", "status"};
  for (std::string& name : FieldColumns()) columns.push_back(std::move(name));
  if (options.commune_name) columns.push_back("commune");
  columns.insert(columns.end(), {"precision", "tile_1km", "tile_5km"});
  return columns;
}

std::string ProtectCell(std::string_view cell) { return exports::ProtectCell(cell); }

namespace {

exports::Table ListingTable(const std::vector<Listing>& listings, const std::string& today,
                            const ExportOptions& options) {
  return exports::Table{"Annonces", ExportColumns(options), Rows(listings, today, options)};
}

}  // namespace

std::string ExportCsv(const std::vector<Listing>& listings, const std::string& today,
                      const ExportOptions& options) {
  return exports::TableCsv(ListingTable(listings, today, options));
}

Result<std::string> ExportXlsx(const std::vector<Listing>& listings, const std::string& today,
                               const ExportOptions& options) {
  return exports::TableXlsx(ListingTable(listings, today, options));
}

}  // namespace vivrovert::listings
