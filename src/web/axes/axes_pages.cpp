#include "web/axes/axes_pages.hpp"

#include <charconv>

#include "core/common/paris_time.hpp"
#include "core/common/text.hpp"
#include "domain/axes/axes.hpp"
#include "domain/display/labels.hpp"
#include "domain/listings/listing_schema.hpp"
#include "web/partners/partner_access.hpp"

namespace vivrovert::axes {

namespace {

using web::Context;
using web::Response;

// "3 / 10 (30 %)" and the bar's width; no goal: the figure alone.
mstch::map Measure(Axis axis, Metric metric, int64_t value, std::optional<int64_t> goal) {
  const std::string field = GoalField(axis, metric);
  mstch::map measure{{"label", std::string(MetricLabel(metric))},
                     {"value", display::Labels::Integer(value)},
                     {"field", field},
                     {"goal", goal ? std::to_string(*goal) : std::string()},
                     {"has_goal", goal.has_value()}};
  if (goal) {
    const int64_t percent = std::min<int64_t>(100, value * 100 / *goal);
    measure["goal_text"] = display::Labels::Integer(*goal);
    measure["percent"] = std::to_string(percent);
    measure["reached"] = value >= *goal;
  }
  return measure;
}

// The kinds of an axis, as a person reads them: « Emploi, Activité à reprendre ».
std::string KindsText(Axis axis) {
  std::string text;
  for (listings::Kind kind : KindsOf(axis)) {
    if (!text.empty()) text += ", ";
    text += listings::KindLabel(kind);
  }
  return text;
}

// A typed goal: empty clears it; otherwise digits only.
Result<std::optional<int64_t>> ParseGoal(const std::string& typed, Axis axis, Metric metric) {
  const std::string text = Trim(typed);
  if (text.empty()) return std::optional<int64_t>();
  int64_t target = 0;  // not a whole number: 0, refused like any out-of-range target
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), target);
  if (error != std::errc() || end != text.data() + text.size()) target = 0;
  VV_RETURN_IF_ERROR(CheckGoal(axis, metric, target));
  return std::optional<int64_t>(target);
}

}  // namespace

void RegisterAxesPages(web::App& app, storage::Database& database, const Clock& clock) {
  app.Get(
      "/partenaire/{slug}/axes",
      partners::Entitled(
          database, subscriptions::ProductCode::kOption2,
          [&database, &clock](Context& context) -> Result<Response> {
            VV_ASSIGN_OR_RETURN(partners::Access access, partners::AccessFor(context, database));
            storage::Connection connection = database.Acquire();
            const int64_t now = clock.NowSeconds();
            mstch::array axes;
            for (const AxisFigures& figures :
                 ComputeAxes(connection, access.partner.id, ParisDate(now), now)) {
              axes.push_back(mstch::map{
                  {"name", std::string(AxisName(figures.axis))},
                  {"label", std::string(AxisLabel(figures.axis))},
                  {"kinds", KindsText(figures.axis)},
                  {"measures", mstch::array{Measure(figures.axis, Metric::kListings,
                                                    figures.listings, figures.listings_goal),
                                            Measure(figures.axis, Metric::kTold, figures.told,
                                                    figures.told_goal)}}});
            }
            return context.Page("partner_axes",
                                mstch::map{{"title", "Les trois axes — " + access.partner.name},
                                           {"partner", partners::PartnerData(access)},
                                           {"axes", axes},
                                           {"told_days", std::to_string(kToldDays)},
                                           {"max_target", std::to_string(kMaxTarget)},
                                           {"goals_action", partners::PartnerBase(access.partner) +
                                                                "/axes/objectifs"}});
          }));

  app.Post(
      "/partenaire/{slug}/axes/objectifs",
      partners::Entitled(
          database, subscriptions::ProductCode::kOption2,
          [&database, &clock](Context& context) -> Result<Response> {
            VV_ASSIGN_OR_RETURN(partners::Access access,
                                partners::AccessFor(context, database, /*need_edit=*/true));
            // Every field is read and checked before any is written: a bad one
            // changes nothing.
            struct Typed {
              Axis axis;
              Metric metric;
              std::optional<int64_t> target;
            };
            std::vector<Typed> goals;
            for (Axis axis : kAxes) {
              for (Metric metric : kMetrics) {
                const std::string field = GoalField(axis, metric);
                VV_ASSIGN_OR_RETURN(
                    std::optional<int64_t> target,
                    ParseGoal(context.request().Form(field).value_or(""), axis, metric));
                goals.push_back(Typed{axis, metric, target});
              }
            }
            storage::Connection connection = database.Acquire();
            storage::Transaction transaction(connection);
            for (const Typed& goal : goals) {
              VV_RETURN_IF_ERROR(AxisGoalStore::Set(connection, access.partner.id, goal.axis,
                                                    goal.metric, goal.target, clock.NowSeconds()));
            }
            transaction.Commit();
            return Response::Redirect(partners::PartnerBase(access.partner) + "/axes");
          }));
}

}  // namespace vivrovert::axes
