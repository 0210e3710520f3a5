#include "core/common/json_input.hpp"

#include <algorithm>

namespace vivrovert {

namespace {

struct TooDeep {};

}  // namespace

Result<nlohmann::json> ParseUntrustedJson(std::string_view text, std::string_view field,
                                          int max_depth) {
  // The callback sees each value as it opens; throwing stops the parse at the first level
  // beyond the limit, so no deep value is ever built.
  const nlohmann::json::parser_callback_t limit_depth =
      [max_depth](int depth, nlohmann::json::parse_event_t event, nlohmann::json&) {
        if ((event == nlohmann::json::parse_event_t::object_start ||
             event == nlohmann::json::parse_event_t::array_start) &&
            depth >= max_depth) {
          throw TooDeep{};
        }
        return true;
      };
  try {
    return nlohmann::json::parse(text.begin(), text.end(), limit_depth);
  } catch (const TooDeep&) {
    return InvalidArgument(
        "Le JSON est imbriqué sur plus de " + std::to_string(max_depth) + " niveaux.",
        std::string(field));
  } catch (const nlohmann::json::parse_error& error) {
    // what() is "[json.exception.parse_error.101] parse error at line …: reason".
    std::string reason = error.what();
    if (size_t end = reason.find("] "); end != std::string::npos) reason.erase(0, end + 2);
    // "…; last read: '<bytes>'" quotes the input, which may be invalid UTF-8 that no JSON
    // answer could carry: keep nlohmann's words only.
    if (size_t quote = reason.find("; last read"); quote != std::string::npos) reason.erase(quote);
    std::erase_if(reason, [](char c) { return static_cast<unsigned char>(c) >= 0x80 || c < 0x20; });
    const size_t end = std::min<size_t>(error.byte, text.size());
    const auto line =
        1 + std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(end), '\n');
    return InvalidArgument("JSON invalide, ligne " + std::to_string(line) + " (" + reason + ").",
                           std::string(field));
  }
}

Result<nlohmann::json> ParseUntrustedJsonObject(std::string_view text, std::string_view field) {
  Result<nlohmann::json> parsed = ParseUntrustedJson(text, field);
  if (!parsed.ok()) {
    return InvalidArgument("Un objet JSON est attendu. " + parsed.status().message(),
                           std::string(field));
  }
  if (!parsed->is_object())
    return InvalidArgument("Un objet JSON est attendu.", std::string(field));
  return parsed;
}

}  // namespace vivrovert
