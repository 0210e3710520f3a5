// JSON values as Mustache (mstch) nodes, for the mails and pages that are built from JSON:
// objects and arrays nest, strings stay, numbers are written as text (integers without a
// decimal point), booleans stay booleans (sections), null is false (a section it names is
// hidden). Header-only: its users (mail/, web/) link mstch themselves.
#pragma once

#include <mstch/mstch.hpp>
#include <nlohmann/json.hpp>

namespace vivrovert {

inline mstch::node MstchFromJson(const nlohmann::json& value) {
  switch (value.type()) {
    case nlohmann::json::value_t::object: {
      mstch::map map;
      for (const auto& [key, item] : value.items()) map.emplace(key, MstchFromJson(item));
      return map;
    }
    case nlohmann::json::value_t::array: {
      mstch::array array;
      for (const auto& item : value) array.push_back(MstchFromJson(item));
      return array;
    }
    case nlohmann::json::value_t::string:
      return value.get<std::string>();
    case nlohmann::json::value_t::boolean:
      return value.get<bool>();
    case nlohmann::json::value_t::null:
    case nlohmann::json::value_t::discarded:
      return false;
    default:
      return value.dump();
  }
}

}  // namespace vivrovert
