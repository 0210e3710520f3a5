#include "engine/search_json.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>

#include "engine/departement_coverage.hpp"

namespace vivrovert::engine {

namespace {

using nlohmann::json;

json Bound(const std::optional<double>& value) { return value ? json(*value) : json(nullptr); }

const char* ImportanceName(Importance importance) {
  return importance == Importance::kRequired ? "required" : "preferred";
}

// The places of a request as the answer lists them: where each was placed, how its
// distance is measured, and for a required place its relaxation hint.
json PlacesAnswer(const SearchRequest& request, const SearchResult& result) {
  json places = json::array();
  for (size_t place_idx = 0; place_idx < request.places.size(); ++place_idx) {
    const PlaceConstraint& place = request.places[place_idx];
    json entry = {{"name", place.name},
                  {"importance", ImportanceName(place.importance)},
                  {"max_km", place.max_km},
                  {"latitude", place.latitude},
                  {"longitude", place.longitude},
                  {"x", place.x},
                  {"y", place.y},
                  {"distance", PlaceMetricName(place.metric)},
                  {"relax", nullptr}};
    if (place.importance == Importance::kPreferred) entry["weight"] = place.weight;
    for (const PlaceRelaxHint& hint : result.place_relax) {
      if (hint.place != place_idx) continue;
      entry["relax"] = {{"gain_if_dropped", hint.gain_if_dropped},
                        {"relaxable", hint.relaxable},
                        {"suggestion", {{"max_km", hint.max_km}}},
                        {"green_with_suggestion", hint.green_with_suggestion},
                        {"doubles", hint.doubles}};
    }
    places.push_back(entry);
  }
  return places;
}

// A distance in km as the explanations write it: whole km from 10 km on unless that
// would hide which side of the maximum it lies, else one decimal (French comma).
std::string KmText(double km, double max_km) {
  char buffer[32];
  const double whole = std::round(km);
  if (km >= 10 && (whole > max_km) == (km > max_km) && whole != max_km) {
    std::snprintf(buffer, sizeof buffer, "%.0f", whole);
  } else {
    std::snprintf(buffer, sizeof buffer, "%.1f", km);
  }
  std::string text = buffer;
  for (char& c : text) c = c == '.' ? ',' : c;
  return text;
}

// The maximum as the person typed it: "25", "12,5".
std::string MaxText(double max_km) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.2f", max_km);
  std::string text = buffer;
  while (text.back() == '0') text.pop_back();
  if (text.back() == '.') text.pop_back();
  for (char& c : text) c = c == '.' ? ',' : c;
  return text;
}

}  // namespace

const char* PlaceMetricName(PlaceMetric metric) {
  switch (metric) {
    case PlaceMetric::kStraightLine:
      return "straight_line";
  }
  return "straight_line";
}

const char* PlaceMetricLabel(PlaceMetric metric) {
  switch (metric) {
    case PlaceMetric::kStraightLine:
      return "à vol d'oiseau";
  }
  return "à vol d'oiseau";
}

std::string PlaceCheckText(const PlaceConstraint& place, const PlaceCheck& check) {
  return "à " + KmText(check.distance_km, place.max_km) + " km de « " + place.name + " » (max " +
         MaxText(place.max_km) + ")";
}

json SearchResultToJson(const SearchEngine& engine, const SearchRequest& request,
                        const SearchResult& result, size_t max_communes) {
  const GridFile& grid = engine.grid();
  const LevelView& view = *grid.level(request.level);
  json tiles = json::array();
  for (const RankedTile& ranked : result.tiles) {
    tiles.push_back({{"id", view.tile(ranked.tile).ToString()}, {"score", ranked.score}});
  }
  json communes = json::array();
  max_communes = std::min(max_communes, kRankedCommunes);
  for (size_t index = 0; index < result.communes.size() && index < max_communes; ++index) {
    const CommuneRef& commune = grid.communes()[result.communes[index].commune];
    communes.push_back({{"code", commune.code},
                        {"name", commune.name},
                        {"departement", commune.departement},
                        {"green_tiles", result.communes[index].green_tiles}});
  }
  json relax = json::array();
  for (const RelaxHint& hint : result.relax) {
    const Constraint& constraint = request.constraints[hint.constraint];
    relax.push_back({{"criterion", grid.catalogue().criteria()[constraint.criterion].id},
                     {"constraint", hint.constraint},
                     {"gain_if_dropped", hint.gain_if_dropped},
                     {"relaxable", hint.relaxable},
                     {"suggestion", {{"min", Bound(hint.min)}, {"max", Bound(hint.max)}}},
                     {"green_with_suggestion", hint.green_with_suggestion},
                     {"doubles", hint.doubles}});
  }
  json out = {{"level", LevelName(request.level)},
              {"green_count", result.green_count},
              {"communes_count", result.communes.size()},
              {"page", {{"offset", request.offset}, {"limit", request.limit}}},
              {"tiles", tiles},
              {"communes", communes},
              {"relax", relax}};
  if (!request.places.empty()) out["places"] = PlacesAnswer(request, result);
  return out;
}

namespace json_text {

namespace {

// Length of the well-formed UTF-8 sequence starting at text[index] (Unicode table 3-7:
// no overlong forms, no surrogates, nothing above U+10FFFF), or 0.
size_t Utf8SequenceLength(std::string_view text, size_t index) {
  const auto byte = [&](size_t at) { return static_cast<uint8_t>(text[at]); };
  const size_t left = text.size() - index;
  const uint8_t lead = byte(index);
  auto continuation = [&](size_t at, uint8_t low = 0x80, uint8_t high = 0xBF) {
    return byte(at) >= low && byte(at) <= high;
  };
  if (lead >= 0xC2 && lead <= 0xDF) return left >= 2 && continuation(index + 1) ? 2 : 0;
  if (lead >= 0xE0 && lead <= 0xEF) {
    if (left < 3) return 0;
    const uint8_t low = lead == 0xE0 ? 0xA0 : 0x80;
    const uint8_t high = lead == 0xED ? 0x9F : 0xBF;
    return continuation(index + 1, low, high) && continuation(index + 2) ? 3 : 0;
  }
  if (lead >= 0xF0 && lead <= 0xF4) {
    if (left < 4) return 0;
    const uint8_t low = lead == 0xF0 ? 0x90 : 0x80;
    const uint8_t high = lead == 0xF4 ? 0x8F : 0xBF;
    return continuation(index + 1, low, high) && continuation(index + 2) && continuation(index + 3)
               ? 4
               : 0;
  }
  return 0;
}

}  // namespace

bool AppendString(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  const size_t restore = out.size();
  out.push_back('"');
  size_t run = 0;  // start of the bytes not yet copied
  size_t index = 0;
  while (index < text.size()) {
    const auto byte = static_cast<uint8_t>(text[index]);
    if (byte >= 0x20 && byte != '"' && byte != '\\' && byte < 0x80) {
      ++index;
      continue;
    }
    if (byte >= 0x80) {
      const size_t length = Utf8SequenceLength(text, index);
      if (length == 0) {
        out.resize(restore);
        return false;
      }
      index += length;
      continue;
    }
    out.append(text.data() + run, index - run);
    out.push_back('\\');
    switch (byte) {
      case '"':
        out.push_back('"');
        break;
      case '\\':
        out.push_back('\\');
        break;
      case '\b':
        out.push_back('b');
        break;
      case '\f':
        out.push_back('f');
        break;
      case '\n':
        out.push_back('n');
        break;
      case '\r':
        out.push_back('r');
        break;
      case '\t':
        out.push_back('t');
        break;
      default: {
        const char escape[5] = {'u', '0', '0', kHex[byte >> 4], kHex[byte & 0xF]};
        out.append(escape, sizeof escape);
      }
    }
    run = ++index;
  }
  out.append(text.data() + run, text.size() - run);
  out.push_back('"');
  return true;
}

void AppendDouble(std::string& out, double value) {
  if (!std::isfinite(value)) {
    out.append("null");
    return;
  }
  // nlohmann's own formatter (Grisu2 and its layout), as dump() calls it.
  std::array<char, 64> buffer;
  char* end = nlohmann::detail::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
  out.append(buffer.data(), static_cast<size_t>(end - buffer.data()));
}

void AppendUnsigned(std::string& out, uint64_t value) {
  std::array<char, 24> buffer;
  auto [end, error] = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
  (void)error;
  out.append(buffer.data(), static_cast<size_t>(end - buffer.data()));
}

}  // namespace json_text

namespace {

// Keys in the order dump() writes them: nlohmann::json objects are sorted by key.
bool WriteSearchResult(std::string& out, const SearchEngine& engine, const SearchRequest& request,
                       const SearchResult& result, size_t max_communes) {
  using namespace json_text;
  const GridFile& grid = engine.grid();
  const LevelView& view = *grid.level(request.level);
  max_communes = std::min(max_communes, kRankedCommunes);
  const size_t listed = std::min(result.communes.size(), max_communes);
  out.reserve(64 + listed * 80 + result.tiles.size() * 60 + result.relax.size() * 200);
  out.append("{\"communes\":[");
  for (size_t index = 0; index < listed; ++index) {
    const CommuneRef& commune = grid.communes()[result.communes[index].commune];
    if (index > 0) out.push_back(',');
    out.append("{\"code\":");
    if (!AppendString(out, commune.code)) return false;
    out.append(",\"departement\":");
    if (!AppendString(out, commune.departement)) return false;
    out.append(",\"green_tiles\":");
    AppendUnsigned(out, result.communes[index].green_tiles);
    out.append(",\"name\":");
    if (!AppendString(out, commune.name)) return false;
    out.push_back('}');
  }
  out.append("],\"communes_count\":");
  AppendUnsigned(out, result.communes.size());
  out.append(",\"green_count\":");
  AppendUnsigned(out, result.green_count);
  out.append(",\"level\":");
  AppendString(out, LevelName(request.level));
  out.append(",\"page\":{\"limit\":");
  AppendUnsigned(out, request.limit);
  out.append(",\"offset\":");
  AppendUnsigned(out, request.offset);
  out.push_back('}');
  if (!request.places.empty()) {
    out.append(",\"places\":");
    out.append(PlacesAnswer(request, result).dump());
  }
  out.append(",\"relax\":[");
  for (size_t index = 0; index < result.relax.size(); ++index) {
    const RelaxHint& hint = result.relax[index];
    const Constraint& constraint = request.constraints[hint.constraint];
    if (index > 0) out.push_back(',');
    out.append("{\"constraint\":");
    AppendUnsigned(out, hint.constraint);
    out.append(",\"criterion\":");
    if (!AppendString(out, grid.catalogue().criteria()[constraint.criterion].id)) return false;
    out.append(hint.doubles ? ",\"doubles\":true" : ",\"doubles\":false");
    out.append(",\"gain_if_dropped\":");
    AppendUnsigned(out, hint.gain_if_dropped);
    out.append(",\"green_with_suggestion\":");
    AppendUnsigned(out, hint.green_with_suggestion);
    out.append(hint.relaxable ? ",\"relaxable\":true" : ",\"relaxable\":false");
    out.append(",\"suggestion\":{\"max\":");
    if (hint.max)
      AppendDouble(out, *hint.max);
    else
      out.append("null");
    out.append(",\"min\":");
    if (hint.min)
      AppendDouble(out, *hint.min);
    else
      out.append("null");
    out.append("}}");
  }
  out.append("],\"tiles\":[");
  for (size_t index = 0; index < result.tiles.size(); ++index) {
    if (index > 0) out.push_back(',');
    out.append("{\"id\":");
    AppendString(out, view.tile(result.tiles[index].tile).ToString());
    out.append(",\"score\":");
    AppendDouble(out, result.tiles[index].score);
    out.push_back('}');
  }
  out.append("]}");
  return true;
}

}  // namespace

std::string SearchResultJsonText(const SearchEngine& engine, const SearchRequest& request,
                                 const SearchResult& result, size_t max_communes) {
  std::string out;
  if (WriteSearchResult(out, engine, request, result, max_communes)) return out;
  // A string of the grid is not valid UTF-8 (the grid writer already refuses that, as
  // its header is JSON): dump() reports it, as before (type_error 316).
  return SearchResultToJson(engine, request, result, max_communes).dump();
}

json ExplanationToJson(const SearchEngine& engine, const SearchRequest& request, uint32_t tile,
                       const Explanation& explanation) {
  const GridFile& grid = engine.grid();
  json checks = json::array();
  for (const ConstraintCheck& check : explanation.checks) {
    const Constraint& constraint = request.constraints[check.constraint];
    const CriterionSpec& spec = grid.catalogue().criteria()[constraint.criterion];
    json entry = {
        {"criterion", spec.id},
        {"label", spec.label},
        {"unit", spec.unit},
        {"importance", constraint.importance == Importance::kRequired ? "required" : "preferred"},
        {"min", Bound(constraint.min)},
        {"max", Bound(constraint.max)},
        {"value", Bound(check.value)},
        {"passes", check.passes},
        {"margin", Bound(check.margin)}};
    if (constraint.importance == Importance::kPreferred) {
      entry["weight"] = constraint.weight;
      entry["score"] = check.score;
    }
    checks.push_back(entry);
  }
  json out = {{"tile", grid.level(request.level)->tile(tile).ToString()},
              {"level", LevelName(request.level)},
              {"green", explanation.green},
              {"in_territory", explanation.in_territory},
              {"score", explanation.score},
              {"checks", checks}};
  if (!request.places.empty()) {
    json places = json::array();
    for (const PlaceCheck& check : explanation.places) {
      const PlaceConstraint& place = request.places[check.place];
      json entry = {{"name", place.name},
                    {"importance", ImportanceName(place.importance)},
                    {"max_km", place.max_km},
                    {"distance_km", check.distance_km},
                    {"distance", PlaceMetricName(place.metric)},
                    {"distance_label", PlaceMetricLabel(place.metric)},
                    {"passes", check.passes},
                    {"margin_km", check.margin_km},
                    {"text", PlaceCheckText(place, check)}};
      if (place.importance == Importance::kPreferred) {
        entry["weight"] = place.weight;
        entry["score"] = check.score;
      }
      places.push_back(entry);
    }
    out["places"] = places;
  }
  return out;
}

json CatalogueToJson(const GridFile& grid) {
  const json& header = grid.header();
  // Where the values lie, at the level the search page counts (5 km): one pass over that
  // level's codes on each call.
  const DepartementCoverage where_5km = ComputeDepartementCoverage(grid, Level::k5km);
  json criteria = json::array();
  for (const CriterionSpec& spec : grid.catalogue().criteria()) {
    const size_t criterion_idx = criteria.size();
    json coverage = json::object();
    json coverage_where = json::object();
    double best = 0;
    for (const json& level : header["levels"]) {
      double share = level["coverage"].value(spec.id, 0.0);
      const std::string level_name = level["level"].get<std::string>();
      coverage[level_name] = share;
      best = std::max(best, share);
      if (level_name != LevelName(Level::k5km)) continue;
      json named = json::array();
      const DepartementCoverage::Named found = where_5km.NamedDepartements(criterion_idx);
      for (const DepartementCoverage::Where& departement : found.departements) {
        named.push_back({{"code", departement.departement},
                         {"name", grid.DepartementName(departement.departement)},
                         {"share", departement.share}});
      }
      const bool others = found.others;
      coverage_where[level_name] = {{"departements", named}, {"others", others}};
    }
    json entry = {{"id", spec.id},
                  {"label", spec.label},
                  {"help", spec.help},
                  {"unit", spec.unit},
                  {"group", spec.group},
                  {"direction", spec.direction == Direction::kLowerIsBetter ? "lower" : "higher"},
                  {"available", best > 0},
                  {"coverage", coverage},
                  {"coverage_where", coverage_where},
                  {"source",
                   {{"publisher", spec.source.publisher},
                    {"dataset", spec.source.dataset},
                    {"vintage", spec.source.vintage},
                    {"url", spec.source.url}}},
                  {"method", spec.method}};
    if (header["unavailable_reasons"].contains(spec.id)) {
      entry["unavailable_reason"] = header["unavailable_reasons"][spec.id];
    }
    criteria.push_back(entry);
  }
  return {{"groups", grid.catalogue().groups()}, {"criteria", criteria}};
}

json TileToJson(const GridFile& grid, Level level, uint32_t tile) {
  const LevelView& view = *grid.level(level);
  const auto& criteria = grid.catalogue().criteria();
  json values = json::object();
  for (size_t criterion_idx = 0; criterion_idx < criteria.size(); ++criterion_idx) {
    const CriterionSpec& spec = criteria[criterion_idx];
    std::optional<double> value = view.Value(criterion_idx, tile);
    values[spec.id] = {{"value", Bound(value)},
                       {"unit", spec.unit},
                       {"source",
                        {{"publisher", spec.source.publisher},
                         {"dataset", spec.source.dataset},
                         {"vintage", spec.source.vintage}}}};
  }
  json communes = json::array();
  auto [first, last] = view.communes(tile);
  for (auto share = first; share != last; ++share) {
    const CommuneRef& commune = grid.communes()[share->commune];
    communes.push_back({{"code", commune.code},
                        {"name", commune.name},
                        {"population", commune.population},
                        {"departement", commune.departement},
                        {"departement_name", grid.DepartementName(commune.departement)},
                        {"epci", commune.epci},
                        {"epci_name", grid.EpciName(commune.epci)},
                        {"share", share->share}});
  }
  const TileId id = view.tile(tile);
  return {{"id", id.ToString()},
          {"level", LevelName(level)},
          {"parent", id.Parent().ToString()},
          {"communes", communes},
          {"values", values}};
}

}  // namespace vivrovert::engine
