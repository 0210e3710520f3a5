#include "query_generator.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <optional>

#include "deterministic_random.hpp"

namespace vivrovert::bench {

namespace {

using engine::CriterionSpec;

constexpr double kOneSidedShare = 0.7;
constexpr double kMinPreferredMass = 0.10;
constexpr double kMaxPreferredMass = 0.60;
constexpr double kShareTolerance = 1.05;  // green share within ×/÷ 1.05 of the target
constexpr int kMaxBisections = 48;

// A criterion that queries may use: its codes at the level and its present codes sorted.
struct Column {
  size_t criterion = 0;
  const CriterionSpec* spec = nullptr;
  std::vector<uint32_t> codes;   // per tile
  std::vector<uint32_t> sorted;  // present codes, ascending
};

enum class Shape { kAtMost, kAtLeast, kWindow };

struct Draft {
  const Column* column = nullptr;
  bool required = false;
  Shape shape = Shape::kAtMost;
  double centre = 0.5;       // quantile of a window's middle
  double lambda_weight = 0;  // required: share of the log-selectivity
  double mass = 1;           // quantile mass
  int weight = 1;            // preferred
  uint32_t lo = 0, hi = 0;   // code range for `mass`
};

// The code range holding about `mass` of the present values, in the draft's shape. The
// upper end never exceeds the largest present code, so the missing code always fails.
void SetRange(Draft& draft) {
  const auto& sorted = draft.column->sorted;
  const size_t n = sorted.size();
  const double mass = std::clamp(draft.mass, 1.0 / static_cast<double>(n), 1.0);
  const size_t take =
      std::clamp<size_t>(static_cast<size_t>(std::ceil(mass * static_cast<double>(n))), 1, n);
  switch (draft.shape) {
    case Shape::kAtMost:
      draft.lo = 0;
      draft.hi = sorted[take - 1];
      break;
    case Shape::kAtLeast:
      draft.lo = sorted[n - take];
      draft.hi = sorted.back();
      break;
    case Shape::kWindow: {
      double start = std::clamp(draft.centre - mass / 2, 0.0, 1.0 - mass);
      const size_t first = std::min(n - take, static_cast<size_t>(start * static_cast<double>(n)));
      draft.lo = sorted[first];
      draft.hi = sorted[first + take - 1];
      break;
    }
  }
}

uint64_t CountGreen(const std::vector<const Draft*>& required, size_t tile_count) {
  uint64_t green = 0;
  for (size_t tile_idx = 0; tile_idx < tile_count; ++tile_idx) {
    bool pass = true;
    for (const Draft* draft : required) {
      if (draft->column->codes[tile_idx] - draft->lo > draft->hi - draft->lo) {
        pass = false;
        break;
      }
    }
    green += pass;
  }
  return green;
}

nlohmann::ordered_json ConstraintJson(const Draft& draft) {
  const CriterionSpec& spec = *draft.column->spec;
  nlohmann::ordered_json constraint = {{"criterion", spec.id}};
  if (draft.shape != Shape::kAtLeast) {
    if (draft.shape == Shape::kWindow) constraint["min"] = spec.Decode(draft.lo);
    constraint["max"] = spec.Decode(draft.hi);
  } else {
    constraint["min"] = spec.Decode(draft.lo);
  }
  constraint["importance"] = draft.required ? "required" : "preferred";
  if (!draft.required) constraint["weight"] = draft.weight;
  return constraint;
}

std::vector<Column> EligibleColumns(const engine::LevelView& view,
                                    const engine::CriteriaCatalogue& catalogue,
                                    double min_coverage) {
  std::vector<Column> columns;
  const auto& criteria = catalogue.criteria();
  for (size_t criterion_idx = 0; criterion_idx < criteria.size(); ++criterion_idx) {
    Column column;
    column.criterion = criterion_idx;
    column.spec = &criteria[criterion_idx];
    column.codes.resize(view.tile_count());
    for (size_t tile_idx = 0; tile_idx < view.tile_count(); ++tile_idx) {
      column.codes[tile_idx] = view.Code(criterion_idx, tile_idx);
      if (column.codes[tile_idx] != column.spec->MissingCode())
        column.sorted.push_back(column.codes[tile_idx]);
    }
    const double coverage =
        static_cast<double>(column.sorted.size()) / static_cast<double>(view.tile_count());
    if (coverage < min_coverage) continue;
    std::sort(column.sorted.begin(), column.sorted.end());
    if (column.sorted.front() == column.sorted.back()) continue;  // one value: nothing to select
    columns.push_back(std::move(column));
  }
  return columns;
}

}  // namespace

Result<std::vector<GeneratedQuery>> GenerateQueries(const engine::GridFile& grid,
                                                    const QueryGeneratorOptions& options) {
  const engine::LevelView* view = grid.level(options.level);
  if (view == nullptr || view->tile_count() == 0) {
    return InvalidArgument(
        std::string("the grid has no ") + engine::LevelName(options.level) + " level", "level");
  }
  if (options.min_constraints < 2 || options.max_constraints < options.min_constraints) {
    return InvalidArgument("constraints per query: 2 ≤ min ≤ max", "constraints");
  }
  if (!(options.min_share > 0) || !(options.max_share <= 1) ||
      options.max_share < options.min_share) {
    return InvalidArgument("green shares: 0 < min ≤ max ≤ 1", "share");
  }
  const std::vector<Column> columns =
      EligibleColumns(*view, grid.catalogue(), options.min_coverage);
  if (columns.size() < 2) {
    return InvalidArgument("fewer than 2 criteria have values on enough tiles to be queried",
                           "grid");
  }
  const size_t tile_count = view->tile_count();
  const size_t digits = std::max<size_t>(3, std::to_string(options.count).size());
  std::vector<GeneratedQuery> queries;
  for (size_t query_idx = 0; query_idx < options.count; ++query_idx) {
    DeterministicRandom rng = DeterministicRandom::Stream(options.seed, "query", query_idx);
    const int available = static_cast<int>(columns.size());
    const int constraint_count = std::min(
        available,
        static_cast<int>(rng.UniformInt(options.min_constraints, options.max_constraints)));
    const int required_count =
        std::min(constraint_count - 1,
                 static_cast<int>(rng.UniformInt(2, std::max(2, constraint_count / 2 + 1))));
    std::vector<size_t> order(columns.size());
    for (size_t index = 0; index < order.size(); ++index) order[index] = index;
    for (int pick = 0; pick < constraint_count; ++pick) {
      const size_t other = static_cast<size_t>(rng.UniformInt(pick, available - 1));
      std::swap(order[static_cast<size_t>(pick)], order[other]);
    }
    const double target =
        std::exp(rng.Uniform(std::log(options.min_share), std::log(options.max_share)));

    std::vector<Draft> drafts(static_cast<size_t>(constraint_count));
    double weight_total = 0;
    for (int draft_idx = 0; draft_idx < constraint_count; ++draft_idx) {
      Draft& draft = drafts[static_cast<size_t>(draft_idx)];
      draft.column = &columns[order[static_cast<size_t>(draft_idx)]];
      draft.required = draft_idx < required_count;
      const bool lower_is_better =
          draft.column->spec->direction == engine::Direction::kLowerIsBetter;
      if (rng.Uniform() < kOneSidedShare) {
        draft.shape = lower_is_better ? Shape::kAtMost : Shape::kAtLeast;
      } else {
        draft.shape = Shape::kWindow;
        draft.centre = rng.Uniform(0.15, 0.85);
      }
      if (draft.required) {
        draft.lambda_weight = rng.Uniform(0.5, 1.5);
        weight_total += draft.lambda_weight;
      } else {
        draft.mass = rng.Uniform(kMinPreferredMass, kMaxPreferredMass);
        draft.weight = static_cast<int>(rng.UniformInt(1, 5));
        SetRange(draft);
      }
    }
    std::vector<const Draft*> required;
    for (Draft& draft : drafts) {
      if (!draft.required) continue;
      draft.lambda_weight /= weight_total;
      required.push_back(&draft);
    }

    // Bisect λ: mass_i = T^(λ w_i) shrinks every required range as λ grows, so the green
    // count falls monotonically. Keep the λ whose count is closest to the target.
    auto apply = [&](double lambda) {
      for (Draft& draft : drafts) {
        if (!draft.required) continue;
        draft.mass = std::pow(target, lambda * draft.lambda_weight);
        SetRange(draft);
      }
      std::vector<const Draft*> by_mass = required;
      std::sort(by_mass.begin(), by_mass.end(),
                [](const Draft* a, const Draft* b) { return a->mass < b->mass; });
      return CountGreen(by_mass, tile_count);
    };
    const double wanted = target * static_cast<double>(tile_count);
    auto error = [&](uint64_t green) {
      return std::abs(std::log((static_cast<double>(green) + 0.5) / wanted));
    };
    double lo = 0, hi = 4;
    while (hi < 64 && static_cast<double>(apply(hi)) > wanted) hi *= 2;
    double best_lambda = hi;
    uint64_t best_green = apply(hi);
    for (int step = 0; step < kMaxBisections && error(best_green) > std::log(kShareTolerance);
         ++step) {
      const double mid = (lo + hi) / 2;
      const uint64_t green = apply(mid);
      if (error(green) < error(best_green)) {
        best_green = green;
        best_lambda = mid;
      }
      if (static_cast<double>(green) > wanted) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    const uint64_t green_count = apply(best_lambda);

    for (size_t draft_idx = drafts.size(); draft_idx > 1; --draft_idx) {  // JSON order: mixed
      std::swap(
          drafts[draft_idx - 1],
          drafts[static_cast<size_t>(rng.UniformInt(0, static_cast<int64_t>(draft_idx) - 1))]);
    }
    GeneratedQuery query;
    std::string number = std::to_string(query_idx + 1);
    query.name = "q" + std::string(digits - number.size(), '0') + number;
    query.request = {{"level", engine::LevelName(options.level)},
                     {"criteria", nlohmann::ordered_json::array()}};
    for (const Draft& draft : drafts) {
      query.request["criteria"].push_back(ConstraintJson(draft));
      const uint64_t bytes = static_cast<uint64_t>(draft.column->spec->width) * tile_count;
      query.constraint_bytes += bytes;
      if (draft.required) {
        query.required_bytes += bytes;
        ++query.required;
      } else {
        ++query.preferred;
      }
    }
    query.target_share = target;
    query.green_count = green_count;
    query.level_tiles = tile_count;
    queries.push_back(std::move(query));
  }
  return queries;
}

Status WriteQueries(const std::vector<GeneratedQuery>& queries, const std::string& dir,
                    const std::string& description) {
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  if (error) return Unavailable("cannot create " + dir + ": " + error.message());
  for (const GeneratedQuery& query : queries) {
    std::ofstream out(dir + "/" + query.name + ".json");
    out << query.request.dump(2) << "\n";
    if (!out) return Unavailable("cannot write " + dir + "/" + query.name + ".json");
  }
  std::ofstream manifest(dir + "/manifest.tsv");
  manifest
      << "query\tlevel\tconstraints\trequired\tpreferred\ttarget_share\tgreen_count\tgreen_share\t"
         "required_bytes\tconstraint_bytes\n";
  for (const GeneratedQuery& query : queries) {
    manifest << query.name << '\t' << query.request["level"].get<std::string>() << '\t'
             << query.required + query.preferred << '\t' << query.required << '\t'
             << query.preferred << '\t' << query.target_share << '\t' << query.green_count << '\t'
             << static_cast<double>(query.green_count) / static_cast<double>(query.level_tiles)
             << '\t' << query.required_bytes << '\t' << query.constraint_bytes << '\n';
  }
  std::ofstream about(dir + "/GENERATOR.txt");
  about << description << "\n";
  if (!manifest || !about) return Unavailable("cannot write the manifest in " + dir);
  return Status::Ok();
}

}  // namespace vivrovert::bench
