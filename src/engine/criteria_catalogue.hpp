// The criteria catalogue: what each criterion means, where its values come from, and how
// the grid stores them. The catalogue is data (data/criteria.json); the grid file embeds
// the catalogue it was built with, so an engine always reads values with the encoding
// that wrote them.
//
// Storage encoding: value = offset + code × step, with `code` an unsigned integer of
// `width` bytes (2 or 4). The largest code of the width marks a missing value, so any
// range test on codes fails for a missing value without a separate check. Values are
// rounded to the nearest step when stored; "values as the engine compares them" are the
// decoded ones.
//
// Thread safety: immutable after loading.
#pragma once

#include <cstdint>
#include <limits>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/status.hpp"

namespace vivrovert::engine {

enum class Direction { kLowerIsBetter, kHigherIsBetter };

// How a 5 km tile's value derives from its 1 km tiles.
enum class Aggregation {
  kMean,     // mean of the 1 km values present
  kDensity,  // total population / number of 1 km tiles (criterion "density")
  kMajor,    // value of the commune covering the largest share of the 5 km tile
};

struct CriterionSource {
  std::string publisher;
  std::string dataset;
  std::string vintage;
  std::string url;
};

struct CriterionSpec {
  std::string id;
  std::string label;  // French
  std::string help;   // French
  std::string unit;
  std::string group;  // French theme name
  Direction direction = Direction::kLowerIsBetter;
  CriterionSource source;
  std::string method;  // French: how the value is computed
  uint8_t width = 2;   // bytes per stored code: 2 or 4
  double step = 1;
  double offset = 0;
  Aggregation aggregation = Aggregation::kMean;

  uint32_t MissingCode() const {
    return width == 2 ? std::numeric_limits<uint16_t>::max() : std::numeric_limits<uint32_t>::max();
  }
  uint32_t MaxCode() const { return MissingCode() - 1; }
  double MaxValue() const { return offset + MaxCode() * step; }
  // The code of `value`, rounded to the nearest step and clamped to the representable
  // range [offset, MaxValue()].
  uint32_t Encode(double value) const;
  // offset + code × step; for decimal steps (0.01, 0.1) computed as an integer count of
  // steps divided by the steps per unit, so that 4.96 decodes to the double nearest 4.96.
  double Decode(uint32_t code) const;
};

class CriteriaCatalogue {
 public:
  // Parses the catalogue JSON (the file's format). Errors name the criterion and field.
  static Result<CriteriaCatalogue> FromJson(const nlohmann::json& document);
  static Result<CriteriaCatalogue> Load(const std::string& path);
  nlohmann::json ToJson() const;

  const std::vector<CriterionSpec>& criteria() const { return criteria_; }
  const std::vector<std::string>& groups() const { return groups_; }
  // Index of a criterion, or nullopt.
  std::optional<size_t> Find(std::string_view id) const;
  // Replaces the source of a criterion by the one its values were actually measured from
  // (an imported file's publisher, dataset and vintage; the URL is kept when `source`
  // has none). Returns false when there is no such criterion.
  bool SetSource(std::string_view id, CriterionSource source);

 private:
  std::vector<CriterionSpec> criteria_;
  std::vector<std::string> groups_;
};

}  // namespace vivrovert::engine
