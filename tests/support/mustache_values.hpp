// Values that exercise every tag of a folder of Mustache templates, for the tests that
// render every template two ways and compare the bytes (issue 25: each template rendered
// with only the partials it reaches, against every partial as before).
//
// Full(): every variable a string holding the characters escaping must change
// (& < > " ' /) and non-ASCII text; every section an array of items (two by default; nested
// sections multiply them, so the pages take one) that each carry
// every variable again (with the item's number), so both the section bodies and the
// lookups that fall through to the outer context render; dotted names nest as objects.
// Hidden(): the same variables, every section false, so inverted sections render.
#pragma once

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>
#include <string>

namespace vivrovert::testing {

class MustacheValues {
 public:
  // Reads the tags of every file of `folder` (not recursive).
  explicit MustacheValues(const std::filesystem::path& folder) {
    static const std::regex kTag(R"(\{\{\{?\s*([&#^/!>]?)\s*([A-Za-z0-9_.]+)\s*\}?\}\})");
    for (const auto& entry : std::filesystem::directory_iterator(folder)) {
      if (!entry.is_regular_file()) continue;
      std::ifstream in(entry.path(), std::ios::binary);
      std::ostringstream text;
      text << in.rdbuf();
      const std::string source = text.str();
      for (auto match = std::sregex_iterator(source.begin(), source.end(), kTag);
           match != std::sregex_iterator(); ++match) {
        const std::string kind = (*match)[1];
        const std::string name = (*match)[2];
        if (kind == "#" || kind == "^") sections_.insert(name);
        if (kind.empty() || kind == "&") variables_.insert(name);
      }
    }
  }

  nlohmann::json Full(int items_per_section = 2) const {
    nlohmann::json values = Variables("");
    for (const std::string& section : sections_) {
      nlohmann::json items = nlohmann::json::array();
      for (int item_idx = 1; item_idx <= items_per_section; ++item_idx)
        items.push_back(Variables(" n°" + std::to_string(item_idx)));
      Put(values, section, items);
    }
    return values;
  }

  nlohmann::json Hidden() const {
    nlohmann::json values = Variables("");
    for (const std::string& section : sections_) Put(values, section, false);
    return values;
  }

  size_t variable_count() const { return variables_.size(); }
  size_t section_count() const { return sections_.size(); }

 private:
  nlohmann::json Variables(const std::string& suffix) const {
    nlohmann::json values = nlohmann::json::object();
    for (const std::string& name : variables_)
      Put(values, name, "«" + name + "» & <b>\"l'été\"</b> / 5 %" + suffix);
    return values;
  }

  // `name` may be dotted: "listing.title" → {"listing": {"title": …}}. A name already
  // holding something else than an object is left as it is.
  static void Put(nlohmann::json& values, const std::string& name, const nlohmann::json& value) {
    nlohmann::json* at = &values;
    size_t start = 0;
    while (true) {
      const size_t dot = name.find('.', start);
      const std::string key = name.substr(start, dot == std::string::npos ? dot : dot - start);
      if (dot == std::string::npos) {
        if (!at->contains(key) || !(*at)[key].is_object()) (*at)[key] = value;
        return;
      }
      if (!at->contains(key) || !(*at)[key].is_object()) (*at)[key] = nlohmann::json::object();
      at = &(*at)[key];
      start = dot + 1;
    }
  }

  std::set<std::string> variables_;
  std::set<std::string> sections_;
};

}  // namespace vivrovert::testing
