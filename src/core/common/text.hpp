// Small text helpers shared by the concerns: UTF-8 validity and Windows-1252 decoding
// (through Poco's text converters), trimming.
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vivrovert {

// True when `text` is well-formed UTF-8 (no overlong forms, no surrogates, ≤ U+10FFFF).
bool IsValidUtf8(std::string_view text);

// `text` decoded from Windows-1252 (the "ANSI" of French spreadsheets) to UTF-8.
std::string Windows1252ToUtf8(std::string_view text);

// `text` without leading and trailing spaces, tabs and line breaks (" \t\r\n\f\v").
std::string Trim(std::string_view text);
// The same, as a view into `text`.
std::string_view TrimView(std::string_view text);

// The trimmed, non-empty items of `text` cut at any of `separators` ("46, 19" → {"46", "19"}).
std::vector<std::string> SplitList(std::string_view text, std::string_view separators = ",");

// A database id as it appears in a path or a form: decimal digits only, above zero, within
// int64; nullopt for anything else ("", "0", "-3", "12a", "1e3").
std::optional<int64_t> ParsePositiveId(std::string_view text);

}  // namespace vivrovert

namespace vivrovert {

// `text` with & < > " ' replaced by entities, for XML or HTML built by hand (inline SVG):
// templates escape their own variables.
std::string EscapeXml(std::string_view text);

// Lower-case hex SHA-256 of `bytes` (libsodium), e.g. for content hashes and stored keys.
std::string Sha256Hex(std::string_view bytes);

// "AAAA-MM-JJ" of the UTC day containing `epoch_seconds`.
std::string UtcDate(int64_t epoch_seconds);

// "JJ/MM/AAAA" of the UTC day containing `epoch_seconds`, as French pages show dates.
std::string FrenchDate(int64_t epoch_seconds);
// "AAAA-MM-JJ" → "JJ/MM/AAAA"; any other text is returned as it is.
std::string FrenchDay(std::string_view iso_date);

// A day as a person types it in a form: "JJ/MM/AAAA" (the day and month may have one digit:
// "4/1/2027"), or "AAAA-MM-JJ" (what older links, API clients and date pickers send); spaces
// around are ignored. Returns "AAAA-MM-JJ", or nullopt when `text` is neither form or not a
// real calendar day ("31/02/2027") of the years 1900–2200.
std::optional<std::string> ParseTypedDay(std::string_view text);

// The first second (UTC) of the day "AAAA-MM-JJ"; nullopt when `text` is not a valid date
// in that form.
std::optional<int64_t> ParseUtcDate(std::string_view text);

// "2026-W47": the ISO 8601 year and week of the day "AAAA-MM-JJ" (weeks start on Monday;
// week 1 holds the year's first Thursday, whose year names the week). Empty when `iso_date`
// is not a valid date.
std::string IsoWeekKey(std::string_view iso_date);

}  // namespace vivrovert
