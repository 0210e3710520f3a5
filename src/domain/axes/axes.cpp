#include "domain/axes/axes.hpp"

#include <map>
#include <set>

#include "domain/listings/listing_store.hpp"
#include "domain/notifications/notification_store.hpp"

namespace vivrovert::axes {

namespace {

constexpr int64_t kDaySeconds = 86400;
// Listings read per statement while collecting a partner's ids.
constexpr int kListingPage = 1000;

}  // namespace

const char* AxisName(Axis axis) {
  switch (axis) {
    case Axis::kProduction:
      return "production";
    case Axis::kTourism:
      return "tourism";
    case Axis::kResidential:
      return "residential";
  }
  return "production";
}

const char* AxisLabel(Axis axis) {
  switch (axis) {
    case Axis::kProduction:
      return "Économie de production";
    case Axis::kTourism:
      return "Économie touristique";
    case Axis::kResidential:
      return "Économie résidentielle";
  }
  return "";
}

std::optional<Axis> ParseAxis(std::string_view name) {
  for (Axis axis : kAxes)
    if (name == AxisName(axis)) return axis;
  return std::nullopt;
}

const char* MetricName(Metric metric) { return metric == Metric::kListings ? "listings" : "told"; }

const char* MetricLabel(Metric metric) {
  return metric == Metric::kListings ? "Annonces en ligne" : "Personnes prévenues (90 jours)";
}

std::optional<Metric> ParseMetric(std::string_view name) {
  for (Metric metric : kMetrics)
    if (name == MetricName(metric)) return metric;
  return std::nullopt;
}

std::string GoalField(Axis axis, Metric metric) {
  return std::string(AxisName(axis)) + "_" + MetricName(metric);
}

Status CheckGoal(Axis axis, Metric metric, int64_t target) {
  if (target >= 1 && target <= kMaxTarget) return Status::Ok();
  return InvalidArgument(std::string("Objectif « ") + MetricLabel(metric) + " » de l'axe « " +
                             AxisLabel(axis) + " » : un nombre entier de 1 à " +
                             std::to_string(kMaxTarget) + ", ou vide pour aucun objectif.",
                         GoalField(axis, metric));
}

std::vector<listings::Kind> KindsOf(Axis axis) {
  using listings::Kind;
  switch (axis) {
    case Axis::kProduction:
      return {Kind::kJob, Kind::kBusiness};
    case Axis::kTourism:
      return {Kind::kLeisure};
    case Axis::kResidential:
      return {Kind::kHousing, Kind::kPoi};
  }
  return {};
}

std::optional<Axis> AxisOf(listings::Kind kind) {
  for (Axis axis : kAxes) {
    for (listings::Kind member : KindsOf(axis))
      if (member == kind) return axis;
  }
  return std::nullopt;
}

std::vector<Goal> AxisGoalStore::Of(storage::Connection& connection, int64_t partner_id) {
  std::vector<Goal> goals;
  for (const storage::Row& row :
       connection.Query("SELECT axis, metric, target FROM axis_goals WHERE partner_id = $1 "
                        "ORDER BY axis, metric",
                        {partner_id})) {
    std::optional<Axis> axis = ParseAxis(row.Text(0));
    std::optional<Metric> metric = ParseMetric(row.Text(1));
    if (axis && metric) goals.push_back(Goal{*axis, *metric, row.Int(2)});
  }
  return goals;
}

Status AxisGoalStore::Set(storage::Connection& connection, int64_t partner_id, Axis axis,
                          Metric metric, std::optional<int64_t> target, int64_t now) {
  if (!target) {
    connection.Execute("DELETE FROM axis_goals WHERE partner_id = $1 AND axis = $2 AND metric = $3",
                       {partner_id, std::string(AxisName(axis)), std::string(MetricName(metric))});
    return Status::Ok();
  }
  if (Status checked = CheckGoal(axis, metric, *target); !checked.ok()) return checked;
  connection.Execute(
      "INSERT INTO axis_goals (partner_id, axis, metric, target, updated_at) "
      "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (partner_id, axis, metric) "
      "DO UPDATE SET target = excluded.target, updated_at = excluded.updated_at",
      {partner_id, std::string(AxisName(axis)), std::string(MetricName(metric)), *target, now});
  return Status::Ok();
}

std::vector<AxisFigures> ComputeAxes(storage::Connection& connection, int64_t partner_id,
                                     const std::string& today, int64_t now) {
  std::map<Axis, AxisFigures> by_axis;
  for (Axis axis : kAxes) by_axis[axis].axis = axis;
  // Listings online today, by kind.
  for (const auto& [kind_status, count] :
       listings::ListingStore::Counts(connection, partner_id, today)) {
    if (kind_status.second != listings::kStatusActive) continue;
    std::optional<listings::Kind> kind = listings::ParseKind(kind_status.first);
    if (!kind) continue;
    if (std::optional<Axis> axis = AxisOf(*kind)) by_axis[*axis].listings += count;
  }
  // People told of any of the partner's listings of the axis, whatever their status now.
  for (Axis axis : kAxes) {
    std::vector<int64_t> ids;
    for (listings::Kind kind : KindsOf(axis)) {
      listings::ListingFilter filter;
      filter.partner_id = partner_id;
      filter.kind = kind;
      filter.include_withdrawn = true;
      filter.limit = kListingPage;
      filter.today = today;
      while (true) {
        const std::vector<listings::Listing> page =
            listings::ListingStore::List(connection, filter);
        for (const listings::Listing& listing : page) ids.push_back(listing.id);
        if (static_cast<int>(page.size()) < kListingPage) break;
        filter.after_id = page.back().id;
      }
    }
    by_axis[axis].told = static_cast<int64_t>(notifications::NotificationStore::PeopleToldOf(
                                                  connection, ids, now - kToldDays * kDaySeconds)
                                                  .size());
  }
  for (const Goal& goal : AxisGoalStore::Of(connection, partner_id)) {
    (goal.metric == Metric::kListings ? by_axis[goal.axis].listings_goal
                                      : by_axis[goal.axis].told_goal) = goal.target;
  }
  std::vector<AxisFigures> figures;
  for (Axis axis : kAxes) figures.push_back(by_axis[axis]);
  return figures;
}

}  // namespace vivrovert::axes
