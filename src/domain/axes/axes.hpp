// The three axes of a territory's action, as the client's proposal groups them (« économie
// de production, économie touristique, économie résidentielle »): what a partner offers
// on each (its listings online), whom it reached (people told of them), and the goals it
// sets (table `axis_goals`, migration 0037, its one owner AxisGoalStore).
//
// Which listings make an axis (docs/ARCHITECTURE.md, "Three axes"):
//   production   jobs and businesses to take over (listings::Kind::kJob, kBusiness)
//   tourism      leisure (kLeisure)
//   residential  housing and points of interest, the services of daily life (kHousing, kPoi)
// CVs are people's own and belong to no axis.
//
// Thread safety: stateless functions on the caller's connection.
// Errors: database faults throw storage::StorageError; AxisGoalStore::Set returns
// InvalidArgument naming the field.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/status.hpp"
#include "core/storage/database.hpp"
#include "domain/listings/listing_schema.hpp"

namespace vivrovert::axes {

enum class Axis { kProduction, kTourism, kResidential };
inline constexpr std::array<Axis, 3> kAxes = {Axis::kProduction, Axis::kTourism,
                                              Axis::kResidential};

// What a goal counts.
enum class Metric { kListings, kTold };
inline constexpr std::array<Metric, 2> kMetrics = {Metric::kListings, Metric::kTold};

// People told are counted over this many days up to now.
inline constexpr int kToldDays = 90;
// The largest target a form accepts.
inline constexpr int64_t kMaxTarget = 1000000;

// "production", "tourism", "residential": the stored and form form.
const char* AxisName(Axis axis);
// « Économie de production », « Économie touristique », « Économie résidentielle ».
const char* AxisLabel(Axis axis);
std::optional<Axis> ParseAxis(std::string_view name);
// "listings", "told".
const char* MetricName(Metric metric);
// « Annonces en ligne », « Personnes prévenues (90 jours) ».
const char* MetricLabel(Metric metric);
std::optional<Metric> ParseMetric(std::string_view name);
// "production_listings": the goal's form field, and the field an error names.
std::string GoalField(Axis axis, Metric metric);
// InvalidArgument naming GoalField when `target` is out of [1, kMaxTarget].
Status CheckGoal(Axis axis, Metric metric, int64_t target);
// The listing kinds of `axis`.
std::vector<listings::Kind> KindsOf(Axis axis);
// The axis of a listing kind; nullopt for CVs.
std::optional<Axis> AxisOf(listings::Kind kind);

struct Goal {
  Axis axis = Axis::kProduction;
  Metric metric = Metric::kListings;
  int64_t target = 0;
};

class AxisGoalStore {
 public:
  // The partner's goals, by axis then metric.
  static std::vector<Goal> Of(storage::Connection& connection, int64_t partner_id);
  // Sets (target ≥ 1) or clears (nullopt) the goal of (axis, metric). A target out of
  // [1, kMaxTarget] is InvalidArgument.
  static Status Set(storage::Connection& connection, int64_t partner_id, Axis axis, Metric metric,
                    std::optional<int64_t> target, int64_t now);
};

struct AxisFigures {
  Axis axis = Axis::kProduction;
  int64_t listings = 0;  // the partner's listings online today, of the axis's kinds
  int64_t told = 0;      // distinct people told of one of them (any time online) in the last
                         // kToldDays days
  std::optional<int64_t> listings_goal;
  std::optional<int64_t> told_goal;
};

// The figures of every axis for `partner_id` on `today` (AAAA-MM-JJ, Paris) at `now`: its
// listings (domain/listings) and the notifications about them (domain/notifications).
std::vector<AxisFigures> ComputeAxes(storage::Connection& connection, int64_t partner_id,
                                     const std::string& today, int64_t now);

}  // namespace vivrovert::axes
