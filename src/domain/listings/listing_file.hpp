// Reading a partner's listings file (the back-office upload and the API's file import):
// the normalised CSV of docs/LISTINGS.md, or the same as JSON, into BatchItems for
// ListingService::ApplyBatch.
//
// CSV: ';' or ',' separated (detected from the header line), UTF-8 with or without BOM
// or Windows-1252 (detected: bytes that are not valid UTF-8 are decoded as Windows-1252),
// quoting as RFC 4180 (libcsv, through importers/csv_reader). The header names the
// columns: the field names of listing_schema.hpp ("price_eur") or their French labels
// ("Prix", "Surface habitable (m²)"), case, accents, spaces and punctuation ignored; an
// optional `kind` column ("kind", "type", "type d'annonce") gives each row's kind by code
// or label ("housing", "logement"). The columns our exports add (id, status, precision,
// tile_1km, tile_5km, commune) are ignored, so an export can be edited and re-imported.
// Cells stay text (JSON strings) in BatchItem.fields; NormaliseField reads the French
// forms (decimal commas, JJ/MM/AAAA, labels of choices). Empty cells are omitted. A cell
// our exports protected against formula injection ("'=…", "'+…", "'-…", "'@…") loses its
// leading quote.
//
// JSON: an array of objects or {"listings": [...]}, each object the fields by name plus
// an optional "kind"; values may be typed (numbers, booleans, arrays) or text.
//
// Errors: a file that cannot be read as a whole (empty, too large, binary, a spreadsheet
// instead of a CSV, no header, a header column that is no field, malformed JSON) is a
// Status with a French message (ResourceExhausted for the size, else InvalidArgument,
// field "file" or the column's name). A problem with one row (wrong number of cells, a
// missing or unknown kind, a cell in a column that is no field of the row's kind) goes
// into that item's read_errors; ApplyBatch reports them with the row's line.
//
// Thread safety: pure functions.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/status.hpp"
#include "domain/listings/listing_schema.hpp"
#include "domain/listings/listing_service.hpp"

namespace vivrovert::listings {

// Files larger than this are refused before anything is read.
inline constexpr size_t kMaxListingFileBytes = 10 * 1024 * 1024;

struct ListingFile {
  // One per data row (CSV: line = the file's line where the row starts, the header being
  // line 1; JSON: the 1-based index in the array). Blank rows are skipped.
  std::vector<BatchItem> items;
  std::string format;    // "csv" or "json"
  std::string encoding;  // "utf-8" or "windows-1252"
  char delimiter = 0;    // ';' or ',' for CSV, 0 for JSON
  // CSV: the field name each header column was read as ("kind" for the kind column, ""
  // for an ignored column), in column order; empty for JSON.
  std::vector<std::string> columns;
  // CSV: each header cell as the file wrote it ("Prix", "price_eur"), in column order;
  // empty for JSON. Reports name a field by the column the file used.
  std::vector<std::string> headers;
};

// Reads `bytes`. `file_name` picks the format by its extension (.json, or .csv/.txt);
// with another or no extension the content decides. `kind`, when given, is the kind of
// every row: the file may then omit the kind column, and a row naming another kind is
// rejected. Without it every row must name its kind.
Result<ListingFile> ReadListingFile(std::string_view bytes, std::string_view file_name,
                                    std::optional<Kind> kind);

// The field name a CSV header cell stands for: a field name or French label of any kind
// (accents, case, spaces and punctuation ignored; a label's "(…)" part may be left out),
// "kind" for the kind column; nullopt for anything else.
std::optional<std::string> FieldForHeader(std::string_view header);

// Columns our exports add that are no fields; they are ignored when a file is read.
const std::vector<std::string>& ExportOnlyColumns();

// `cell` with the quote our exports put before "=", "+", "-", "@", tab or CR removed.
std::string UnprotectCell(std::string_view cell);

}  // namespace vivrovert::listings
