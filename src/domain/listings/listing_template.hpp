// The downloadable templates of the file import and the facts about the file format that
// the back-office's import page and docs/LISTINGS.md show.
//
// The fields themselves (name, French label, type, required, bounds, choices, help) come
// from SchemaJson() (listing_schema.hpp): render them from there, per kind, beside
// FileFormatJson().
//
// Thread safety: pure functions.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "domain/listings/listing_schema.hpp"

namespace vivrovert::listings {

// A CSV template for `kind`: UTF-8 with BOM, ';' separated, CRLF line ends; the header is
// `kind` then every field of the kind in schema order; one example row (its external_id
// is "EXEMPLE-1" and its title starts with "EXEMPLE"), written in the French forms the
// import accepts (decimal commas, JJ/MM/AAAA, labels of choices). The example row is a
// valid listing of a commune of the Lot.
std::string CsvTemplate(Kind kind);

// "modele-annonces-logement.csv" (ASCII, for Content-Disposition).
std::string TemplateFileName(Kind kind);

// The file format in data form:
// {"max_bytes", "separators":[";",","], "encodings":["utf-8","windows-1252"],
//  "date_formats":["JJ/MM/AAAA","AAAA-MM-JJ"], "decimal_separators":[",","."],
//  "list_separator":"|", "booleans":{"true":[…],"false":[…]},
//  "kind_column":{"name":"kind","headers":[…],"values":[{"code","label"}]},
//  "ignored_columns":["id","status",…],
//  "templates":[{"kind","file_name"}]}
nlohmann::json FileFormatJson();

}  // namespace vivrovert::listings
