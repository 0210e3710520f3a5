// JSON that comes from outside: request bodies, uploaded files, partners' feeds.
//
// nlohmann's parser is iterative, but copying and destroying a document recurse once per
// level of nesting: a body of 50,000 '[' overflows the stack of whoever copies it. Every
// parse of outside input therefore goes through ParseUntrustedJson, which refuses documents
// nested deeper than kMaxJsonDepth while parsing, before such a value exists.
//
// Thread safety: pure function.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "core/common/status.hpp"

namespace vivrovert {

// Deeper than any document VivroVert accepts (a listing file is 4 levels deep).
inline constexpr int kMaxJsonDepth = 64;

// Parses `text` as one JSON document. Errors: InvalidArgument on `field` (may be empty)
// with a French message saying where the syntax fails, or that the nesting exceeds
// `max_depth` levels.
Result<nlohmann::json> ParseUntrustedJson(std::string_view text, std::string_view field = {},
                                          int max_depth = kMaxJsonDepth);

// The same for a body that must be an object: InvalidArgument on `field` saying "Un objet
// JSON est attendu." (with the syntax error when there is one) for anything else.
Result<nlohmann::json> ParseUntrustedJsonObject(std::string_view text, std::string_view field);

}  // namespace vivrovert
