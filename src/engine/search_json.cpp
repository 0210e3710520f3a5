#include "engine/search_json.hpp"

namespace vivrovert::engine {

namespace {

using nlohmann::json;

json Bound(const std::optional<double>& value) { return value ? json(*value) : json(nullptr); }

}  // namespace

json SearchResultToJson(const SearchEngine& engine, const SearchRequest& request, const SearchResult& result,
                        size_t max_communes) {
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
  return {{"level", LevelName(request.level)},
          {"green_count", result.green_count},
          {"communes_count", result.communes.size()},
          {"page", {{"offset", request.offset}, {"limit", request.limit}}},
          {"tiles", tiles},
          {"communes", communes},
          {"relax", relax}};
}

json ExplanationToJson(const SearchEngine& engine, const SearchRequest& request, uint32_t tile,
                       const Explanation& explanation) {
  const GridFile& grid = engine.grid();
  json checks = json::array();
  for (const ConstraintCheck& check : explanation.checks) {
    const Constraint& constraint = request.constraints[check.constraint];
    const CriterionSpec& spec = grid.catalogue().criteria()[constraint.criterion];
    json entry = {{"criterion", spec.id},
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
  return {{"tile", grid.level(request.level)->tile(tile).ToString()},
          {"level", LevelName(request.level)},
          {"green", explanation.green},
          {"in_territory", explanation.in_territory},
          {"score", explanation.score},
          {"checks", checks}};
}

json CatalogueToJson(const GridFile& grid) {
  const json& header = grid.header();
  json criteria = json::array();
  for (const CriterionSpec& spec : grid.catalogue().criteria()) {
    json coverage = json::object();
    double best = 0;
    for (const json& level : header["levels"]) {
      double share = level["coverage"].value(spec.id, 0.0);
      coverage[level["level"].get<std::string>()] = share;
      best = std::max(best, share);
    }
    json entry = {{"id", spec.id},
                  {"label", spec.label},
                  {"help", spec.help},
                  {"unit", spec.unit},
                  {"group", spec.group},
                  {"direction", spec.direction == Direction::kLowerIsBetter ? "lower" : "higher"},
                  {"available", best > 0},
                  {"coverage", coverage},
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
                       {"source", {{"publisher", spec.source.publisher}, {"dataset", spec.source.dataset},
                                   {"vintage", spec.source.vintage}}}};
  }
  json communes = json::array();
  auto [first, last] = view.communes(tile);
  for (auto share = first; share != last; ++share) {
    const CommuneRef& commune = grid.communes()[share->commune];
    communes.push_back({{"code", commune.code},
                        {"name", commune.name},
                        {"departement", commune.departement},
                        {"epci", commune.epci},
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
