// The partials a Mustache template can reach, for the mails and pages rendered with mstch.
//
// mstch::render(template, data, partials) parses the template and then every partial it is
// given, at every call, whether the template uses it or not: the pages' renderer handed all
// of its ~56 templates to every page, the mails all of their partials to every subject line.
// The renderers compute once, at load, the partials each template reaches ({{> name}}, and
// theirs in turn) and pass only those: the same bytes out (a partial that is never included
// cannot change the output), far less parsing per render.
//
// A template that changes its delimiters ({{=…=}}) could name partials this scan does not
// see: it gets every partial. Header-only: its users (mail/, web/) link mstch themselves.
// Thread safety: pure functions.
#pragma once

#include <map>
#include <regex>
#include <set>
#include <string>
#include <string_view>

namespace vivrovert {

// Every partial of `partials` that `source` includes, directly or through other partials
// (names not found in `partials` are left out: mstch renders them as empty).
inline std::map<std::string, std::string> ReachablePartials(
    std::string_view source, const std::map<std::string, std::string>& partials) {
  static const std::regex kPartialTag(R"(\{\{\s*>\s*([^\s}]+)\s*\}\})");
  auto changes_delimiters = [](std::string_view text) {
    return text.find("{{=") != std::string_view::npos;
  };
  if (changes_delimiters(source)) return partials;
  std::map<std::string, std::string> reached;
  std::set<std::string> pending;
  auto scan = [&pending](std::string_view text) {
    for (auto match = std::cregex_iterator(text.data(), text.data() + text.size(), kPartialTag);
         match != std::cregex_iterator(); ++match) {
      pending.insert((*match)[1].str());
    }
  };
  scan(source);
  while (!pending.empty()) {
    const std::string name = *pending.begin();
    pending.erase(pending.begin());
    if (reached.contains(name)) continue;
    auto found = partials.find(name);
    if (found == partials.end()) continue;
    if (changes_delimiters(found->second)) return partials;
    reached.emplace(name, found->second);
    scan(found->second);
  }
  return reached;
}

}  // namespace vivrovert
