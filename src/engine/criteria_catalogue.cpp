#include "engine/criteria_catalogue.hpp"

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

namespace vivrovert::engine {

namespace {

using nlohmann::json;

const char* DirectionName(Direction direction) {
  return direction == Direction::kLowerIsBetter ? "lower" : "higher";
}

const char* AggregationName(Aggregation aggregation) {
  switch (aggregation) {
    case Aggregation::kMean:
      return "mean";
    case Aggregation::kDensity:
      return "density";
    case Aggregation::kMajor:
      return "major";
  }
  return "mean";
}

}  // namespace

uint32_t CriterionSpec::Encode(double value) const {
  double code = std::round((value - offset) / step);
  if (code < 0) code = 0;
  if (code > MaxCode()) code = MaxCode();
  return static_cast<uint32_t>(code);
}

double CriterionSpec::Decode(uint32_t code) const {
  const double per_unit = std::round(1.0 / step);
  if (per_unit >= 1 && std::abs(per_unit * step - 1.0) < 1e-12) {
    return (std::round(offset * per_unit) + code) / per_unit;
  }
  return offset + code * step;
}

Result<CriteriaCatalogue> CriteriaCatalogue::FromJson(const json& document) {
  CriteriaCatalogue catalogue;
  if (!document.is_object() || !document.contains("criteria") || !document["criteria"].is_array()) {
    return InvalidArgument("criteria catalogue: an object with a 'criteria' array was expected");
  }
  if (document.contains("groups")) {
    for (const json& group : document["groups"])
      catalogue.groups_.push_back(group.get<std::string>());
  }
  std::set<std::string> seen;
  for (const json& entry : document["criteria"]) {
    CriterionSpec spec;
    std::string where =
        "criteria catalogue, criterion " + std::to_string(catalogue.criteria_.size() + 1);
    try {
      spec.id = entry.at("id").get<std::string>();
      where = "criteria catalogue, criterion '" + spec.id + "'";
      spec.label = entry.at("label").get<std::string>();
      spec.help = entry.value("help", "");
      spec.unit = entry.at("unit").get<std::string>();
      spec.group = entry.at("group").get<std::string>();
      const std::string direction = entry.at("direction").get<std::string>();
      if (direction != "lower" && direction != "higher") {
        return InvalidArgument(where + ": direction must be 'lower' or 'higher'", "direction");
      }
      spec.direction =
          direction == "lower" ? Direction::kLowerIsBetter : Direction::kHigherIsBetter;
      const json& source = entry.at("source");
      spec.source = {source.value("publisher", ""), source.value("dataset", ""),
                     source.value("vintage", ""), source.value("url", "")};
      spec.method = entry.value("method", "");
      const json& storage = entry.at("storage");
      const int width = storage.at("width").get<int>();
      if (width != 2 && width != 4)
        return InvalidArgument(where + ": storage width must be 2 or 4", "width");
      spec.width = static_cast<uint8_t>(width);
      spec.step = storage.at("step").get<double>();
      spec.offset = storage.value("offset", 0.0);
      if (!(spec.step > 0) || !std::isfinite(spec.step) || !std::isfinite(spec.offset)) {
        return InvalidArgument(where + ": storage step must be a positive number", "step");
      }
      const std::string aggregation = entry.value("aggregate_5km", "mean");
      if (aggregation == "mean") {
        spec.aggregation = Aggregation::kMean;
      } else if (aggregation == "density") {
        spec.aggregation = Aggregation::kDensity;
      } else if (aggregation == "major") {
        spec.aggregation = Aggregation::kMajor;
      } else {
        return InvalidArgument(where + ": unknown aggregate_5km '" + aggregation + "'",
                               "aggregate_5km");
      }
    } catch (const json::exception& error) {
      return InvalidArgument(where + ": " + error.what());
    }
    if (!seen.insert(spec.id).second) return InvalidArgument(where + ": duplicate id", "id");
    catalogue.criteria_.push_back(std::move(spec));
  }
  return catalogue;
}

Result<CriteriaCatalogue> CriteriaCatalogue::Load(const std::string& path) {
  std::ifstream in(path);
  if (!in) return NotFound("cannot open the criteria catalogue " + path, "file");
  try {
    return FromJson(json::parse(in));
  } catch (const json::parse_error& error) {
    return InvalidArgument(path + ": malformed JSON: " + error.what());
  }
}

json CriteriaCatalogue::ToJson() const {
  json criteria = json::array();
  for (const CriterionSpec& spec : criteria_) {
    criteria.push_back({
        {"id", spec.id},
        {"label", spec.label},
        {"help", spec.help},
        {"unit", spec.unit},
        {"group", spec.group},
        {"direction", DirectionName(spec.direction)},
        {"source",
         {{"publisher", spec.source.publisher},
          {"dataset", spec.source.dataset},
          {"vintage", spec.source.vintage},
          {"url", spec.source.url}}},
        {"method", spec.method},
        {"storage", {{"width", spec.width}, {"step", spec.step}, {"offset", spec.offset}}},
        {"aggregate_5km", AggregationName(spec.aggregation)},
    });
  }
  return {{"groups", groups_}, {"criteria", criteria}};
}

std::optional<size_t> CriteriaCatalogue::Find(std::string_view id) const {
  for (size_t index = 0; index < criteria_.size(); ++index) {
    if (criteria_[index].id == id) return index;
  }
  return std::nullopt;
}

bool CriteriaCatalogue::SetSource(std::string_view id, CriterionSource source) {
  std::optional<size_t> index = Find(id);
  if (!index) return false;
  CriterionSource& current = criteria_[*index].source;
  if (source.url.empty()) source.url = current.url;
  current = std::move(source);
  return true;
}

}  // namespace vivrovert::engine
