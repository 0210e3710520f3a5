#include "web/barometer/barometer_pages.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <map>
#include <memory>
#include <mutex>
#include <sstream>
#include <tuple>

#include "core/common/paris_time.hpp"
#include "core/common/text.hpp"
#include "domain/demand/barometer.hpp"
#include "domain/demand/barometer_report.hpp"
#include "domain/demand/comparable.hpp"
#include "domain/demand/demand_offer.hpp"
#include "domain/demand/demand_store.hpp"
#include "domain/demand/periodic_report.hpp"
#include "domain/demand/report_store.hpp"
#include "domain/partners/partner_territory.hpp"
#include "web/partners/page_parts.hpp"
#include "web/partners/partner_access.hpp"

namespace vivrovert::barometer {

namespace {

using web::Context;
using web::Response;

using demand::FrenchNumber;

std::string Percent(double share) { return demand::FrenchPercent(share); }

std::string WithUnit(double value, const std::string& unit) {
  return unit.empty() ? FrenchNumber(value) : FrenchNumber(value) + " " + unit;
}

// Weekly bars of the searches that could reach the territory, the green part darker, as
// inline SVG (the page gives the same numbers as a table). Only numbers and escaped
// dates go into it.
std::string WeeksChart(const std::vector<demand::WeekPoint>& weeks) {
  if (weeks.empty()) return {};
  constexpr double kWidth = 640, kHeight = 220, kLeft = 44, kRight = 10, kTop = 10, kBottom = 30;
  int64_t top = 1;
  for (const demand::WeekPoint& week : weeks) top = std::max(top, week.searches);
  const double plot_w = kWidth - kLeft - kRight, plot_h = kHeight - kTop - kBottom;
  const double slot = plot_w / static_cast<double>(weeks.size());
  auto y = [&](int64_t value) {
    return kTop + plot_h * (1.0 - static_cast<double>(value) / static_cast<double>(top));
  };
  std::ostringstream svg;
  svg.precision(1);
  svg << std::fixed;
  svg << "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"barometer-chart\" viewBox=\"0 0 "
      << kWidth << " " << kHeight
      << "\" role=\"img\" aria-labelledby=\"barometer-weeks-title\"><title "
         "id=\"barometer-weeks-title\">Recherches par semaine à partir du "
      << EscapeXml(FrenchDay(weeks.front().first_day)) << " : toutes, et celles rendant le "
      << "territoire vert</title>";
  svg << "<line class=\"axis\" x1=\"" << kLeft << "\" y1=\"" << y(0) << "\" x2=\""
      << kWidth - kRight << "\" y2=\"" << y(0) << "\"/>";
  svg << "<text class=\"tick\" x=\"" << kLeft - 6 << "\" y=\"" << y(top) + 4
      << "\" text-anchor=\"end\">" << top << "</text>";
  svg << "<text class=\"tick\" x=\"" << kLeft - 6 << "\" y=\"" << y(0) + 4
      << "\" text-anchor=\"end\">0</text>";
  svg << "<text class=\"tick\" x=\"" << kLeft << "\" y=\"" << kHeight - 8 << "\">"
      << EscapeXml(FrenchDay(weeks.front().first_day)) << "</text>";
  svg << "<text class=\"tick\" x=\"" << kWidth - kRight << "\" y=\"" << kHeight - 8
      << "\" text-anchor=\"end\">" << EscapeXml(FrenchDay(weeks.back().first_day)) << "</text>";
  for (size_t index = 0; index < weeks.size(); ++index) {
    const double x = kLeft + slot * static_cast<double>(index) + slot * 0.15;
    const double w = slot * 0.7;
    svg << "<rect class=\"searches\" x=\"" << x << "\" y=\"" << y(weeks[index].searches)
        << "\" width=\"" << w << "\" height=\"" << y(0) - y(weeks[index].searches) << "\"/>";
    svg << "<rect class=\"green\" x=\"" << x << "\" y=\"" << y(weeks[index].green) << "\" width=\""
        << w << "\" height=\"" << y(0) - y(weeks[index].green) << "\"/>";
  }
  svg << "</svg>";
  return svg.str();
}

// Horizontal bars: per criterion, the searches requiring it and those it alone blocked.
std::string RetreatChart(const std::vector<demand::CriterionRetreat>& criteria) {
  if (criteria.empty()) return {};
  const size_t shown = std::min<size_t>(criteria.size(), 12);
  constexpr double kWidth = 640, kLabel = 230, kRight = 100, kRow = 26, kTop = 6;
  int64_t top = 1;
  for (size_t index = 0; index < shown; ++index) top = std::max(top, criteria[index].asked);
  const double plot_w = kWidth - kLabel - kRight;
  const double height = kTop * 2 + kRow * static_cast<double>(shown);
  auto w = [&](int64_t value) {
    return plot_w * static_cast<double>(value) / static_cast<double>(top);
  };
  std::ostringstream svg;
  svg.precision(1);
  svg << std::fixed;
  svg << "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"barometer-chart\" viewBox=\"0 0 "
      << kWidth << " " << height
      << "\" role=\"img\" aria-labelledby=\"barometer-retreat-title\"><title "
         "id=\"barometer-retreat-title\">Par critère : recherches l'exigeant, et celles qu'il a "
         "seul empêchées de rendre le territoire vert</title>";
  for (size_t index = 0; index < shown; ++index) {
    const demand::CriterionRetreat& row = criteria[index];
    const double y = kTop + kRow * static_cast<double>(index);
    svg << "<text class=\"tick\" x=\"" << kLabel - 6 << "\" y=\"" << y + 16
        << "\" text-anchor=\"end\">" << EscapeXml(row.label.substr(0, 40)) << "</text>";
    svg << "<rect class=\"searches\" x=\"" << kLabel << "\" y=\"" << y + 3 << "\" width=\""
        << w(row.asked) << "\" height=\"18\"/>";
    svg << "<rect class=\"blocked\" x=\"" << kLabel << "\" y=\"" << y + 3 << "\" width=\""
        << w(row.blocked) << "\" height=\"18\"/>";
    svg << "<text class=\"tick\" x=\"" << kLabel + w(row.asked) + 4 << "\" y=\"" << y + 16 << "\">"
        << row.blocked << " / " << row.asked << "</text>";
  }
  svg << "</svg>";
  return svg.str();
}

mstch::map CriterionRow(const demand::CriterionRetreat& row) {
  mstch::map data{{"criterion", row.criterion},
                  {"label", row.label},
                  {"asked", std::to_string(row.asked)},
                  {"green", std::to_string(row.green)},
                  {"blocked", std::to_string(row.blocked)},
                  {"has_bounds", row.bounds.has_value()},
                  {"has_needed", row.needed.has_value()}};
  if (row.bounds) {
    const demand::BoundsAsked& bounds = *row.bounds;
    data["bounds_side"] = std::string(bounds.upper ? "maximum" : "minimum");
    data["bounds_count"] = std::to_string(bounds.count);
    data["bounds_lowest"] = WithUnit(bounds.lowest, row.unit);
    data["bounds_q1"] = WithUnit(bounds.quartile1, row.unit);
    data["bounds_median"] = WithUnit(bounds.median, row.unit);
    data["bounds_q3"] = WithUnit(bounds.quartile3, row.unit);
    data["bounds_highest"] = WithUnit(bounds.highest, row.unit);
    data["territory_share"] = Percent(bounds.territory_share);
  }
  if (row.needed) {
    data["needed"] = std::string(row.needed_upper ? "≤ " : "≥ ") + WithUnit(*row.needed, row.unit);
  }
  return data;
}

// "+0,9" / "−1,2": a change with its sign.
std::string Signed(double value) {
  const std::string text = FrenchNumber(std::abs(value), 1);
  if (text == "0") return "0";
  return (value > 0 ? "+" : "−") + text;
}

mstch::array EventRows(const std::vector<demand::EventFigures>& events, const std::string& base) {
  mstch::array rows;
  for (const demand::EventFigures& item : events) {
    const demand::EventEffect& effect = item.effect;
    const bool has_effect = effect.days_before > 0 && effect.days_after > 0;
    std::string verdict = "pas encore de jour après l'événement";
    if (has_effect) {
      verdict = effect.measurable ? (effect.change > 0 ? "hausse mesurable" : "baisse mesurable")
                                  : "aucun changement mesurable";
    }
    rows.push_back(mstch::map{{"id", std::to_string(item.event.id)},
                              {"day", FrenchDay(item.event.day)},
                              {"label", item.event.label},
                              {"has_effect", has_effect},
                              {"days_before", std::to_string(effect.days_before)},
                              {"days_after", std::to_string(effect.days_after)},
                              {"mean_before", FrenchNumber(effect.mean_before, 1)},
                              {"mean_after", FrenchNumber(effect.mean_after, 1)},
                              {"change", Signed(effect.change)},
                              {"low", Signed(effect.low)},
                              {"high", Signed(effect.high)},
                              {"verdict", verdict},
                              {"delete_href", base + "/barometre/evenements/" +
                                                  std::to_string(item.event.id) + "/supprimer"}});
  }
  return rows;
}

// The periodic reports (issued by the night's run) and their schedule, for the page.
void AddReports(mstch::map& data, storage::Connection& connection, const partners::Access& access) {
  const std::string base = partners::PartnerBase(access.partner);
  const std::vector<demand::StoredReport> reports =
      demand::ReportStore::List(connection, access.partner.id);
  mstch::array rows;
  for (const demand::StoredReport& report : reports) {
    std::optional<demand::BarometerFigures> figures = demand::FiguresFromJson(report.figures);
    rows.push_back(
        mstch::map{{"id", std::to_string(report.id)},
                   {"title", demand::ReportTitle(report.kind)},
                   {"first_day", FrenchDay(report.first_day)},
                   {"last_day", FrenchDay(report.last_day)},
                   {"issued_on", FrenchDay(report.issued_on)},
                   {"searches", figures ? std::to_string(figures->searches) : std::string("—")},
                   {"green", figures ? std::to_string(figures->green) : std::string("—")},
                   {"recipients", std::to_string(report.recipients)},
                   {"demo", report.demo},
                   {"href", base + "/barometre/rapports/" + std::to_string(report.id)},
                   {"xlsx_href",
                    base + "/barometre/rapports/" + std::to_string(report.id) + "/chiffres.xlsx"}});
  }
  data["has_reports"] = !rows.empty();
  data["reports"] = std::move(rows);
  const int months = demand::ReportStore::Months(connection, access.partner.id);
  data["report_months"] = std::to_string(months);
  data["report_advice"] = months < demand::kAdvisedMinReportMonths;
  const std::optional<std::string> anchor =
      demand::Option1Since(connection, access.partner.id, access.today);
  if (anchor) {
    const std::optional<demand::DueReport> next = demand::NextReport(
        *anchor, months,
        reports.empty() ? std::nullopt : std::optional<std::string>(reports.front().last_day));
    if (next) {
      data["has_next_report"] = true;
      data["next_report_title"] = demand::ReportTitle(next->kind);
      data["next_report_on"] = FrenchDay(std::max(next->due_on, access.today));
    }
  }
  data["can_set_months"] = access.operator_access;
  data["months_action"] = base + "/barometre/frequence";
  mstch::array choices;
  for (int choice = demand::kMinReportMonths; choice <= demand::kMaxReportMonths; ++choice) {
    choices.push_back(mstch::map{{"value", std::to_string(choice)},
                                 {"selected", choice == months},
                                 {"advised", choice >= demand::kAdvisedMinReportMonths}});
  }
  data["month_choices"] = std::move(choices);
}

// The territory's rank and share among the comparable territories of its région.
void AddComparable(mstch::map& data, const std::optional<demand::ComparableShare>& share) {
  data["has_comparable"] = share.has_value() && share->replayed > 0;
  if (!share) return;
  data["comparable_territories"] = std::to_string(share->territories);
  data["comparable_kind"] = share->kind_label;
  data["comparable_region"] = share->region;
  data["comparable_rank"] = std::to_string(share->rank);
  data["comparable_replayed"] = std::to_string(share->replayed);
  data["comparable_green"] = std::to_string(share->green);
  data["comparable_green_all"] = std::to_string(share->green_all);
  data["comparable_share"] = Percent(share->share);
}

// What the people whose saved searches make the territory green want, against the
// territory's active listings: counts only.
void AddDemandOffer(mstch::map& data, const demand::DemandOffer& offer,
                    const display::Labels& labels) {
  data["offer_people"] = std::to_string(offer.people);
  data["offer_housing_shared"] = std::to_string(offer.housing_shared);
  data["offer_work_shared"] = std::to_string(offer.work_shared);
  data["offer_housing_listings"] = std::to_string(offer.housing_listings);
  data["offer_job_listings"] = std::to_string(offer.job_listings);
  mstch::array housing;
  for (const demand::HousingWant& want : offer.housing) {
    housing.push_back(mstch::map{{"label", want.label},
                                 {"profiles", std::to_string(want.profiles)},
                                 {"listings", std::to_string(want.listings)}});
  }
  data["has_housing_wants"] = !housing.empty();
  data["housing_wants"] = std::move(housing);
  mstch::array skills;
  for (const demand::SkillWant& want : offer.skills) {
    skills.push_back(mstch::map{{"rome_code", want.rome_code},
                                {"job", labels.Rome(want.rome_code)},
                                {"profiles", std::to_string(want.profiles)},
                                {"jobs", std::to_string(want.jobs)}});
  }
  data["has_skill_wants"] = !skills.empty();
  data["skill_wants"] = std::move(skills);
}

// The share among comparable territories replays up to 500 searches on every territory of
// the région (thousands at a région of communes): each answer is kept kComparableSeconds
// per (partner, period), since the page's figures are promised "within a minute". Per
// process; entries of past periods are dropped when a new one is stored.
inline constexpr int64_t kComparableSeconds = 60;

class ComparableCache {
 public:
  using Share = std::optional<demand::ComparableShare>;

  // The share for `partner_id` over [from, to) computed less than kComparableSeconds
  // before `now`, or `compute()`'s, then kept.
  template <typename Compute>
  Share Get(int64_t partner_id, int64_t from, int64_t to, int64_t now, Compute compute) {
    const Key key{partner_id, from, to};
    {
      std::lock_guard lock(mutex_);
      auto found = entries_.find(key);
      if (found != entries_.end() && now - found->second.computed_at < kComparableSeconds &&
          now >= found->second.computed_at)
        return found->second.share;
    }
    Share share = compute();  // outside the lock: a slow replay holds no other page
    std::lock_guard lock(mutex_);
    std::erase_if(entries_, [to](const auto& entry) { return std::get<2>(entry.first) < to; });
    entries_[key] = Entry{now, share};
    return share;
  }

 private:
  using Key = std::tuple<int64_t, int64_t, int64_t>;
  struct Entry {
    int64_t computed_at = 0;
    Share share;
  };
  std::mutex mutex_;
  std::map<Key, Entry> entries_;
};

// The figures of the page's period for the route's partner.
struct PeriodFigures {
  partners::Access access;
  demand::BarometerFigures figures;
  engine::Territory territory;
  int64_t from = 0;  // the period's hours, [from, to)
  int64_t to = 0;
};

Result<PeriodFigures> LoadFigures(Context& context, storage::Database& database, const Clock& clock,
                                  const engine::GridFile* grid) {
  VV_ASSIGN_OR_RETURN(partners::Access access, partners::AccessFor(context, database));
  if (grid == nullptr) {
    return Unavailable("Le baromètre a besoin de la grille des dalles, pas encore construite.");
  }
  storage::Connection connection = database.Acquire();
  VV_ASSIGN_OR_RETURN(engine::Territory territory,
                      partners::ResolveTerritory(connection, *grid, access.partner));
  const demand::BarometerPeriod period = demand::PeriodEnding(clock.NowSeconds(), kPeriodDays);
  demand::BarometerFigures figures =
      demand::ComputeBarometer(connection, *grid, access.partner.id, territory, period.first_day,
                               period.last_day, period.from, period.to);
  return PeriodFigures{std::move(access), std::move(figures), std::move(territory), period.from,
                       period.to};
}

// The route's stored report ({id}) of the route's partner, its figures read back, and the
// documents' file name without extension; the connection is taken after the access check,
// as every page does.
struct LoadedReport {
  partners::Access access;
  storage::Connection connection;
  demand::StoredReport report;
  demand::BarometerFigures figures;
  std::string stem;  // "barometre-cahors-2026-06-30"
};

Result<LoadedReport> LoadReport(Context& context, storage::Database& database) {
  VV_ASSIGN_OR_RETURN(partners::Access access, partners::AccessFor(context, database));
  VV_ASSIGN_OR_RETURN(int64_t report_id, partners::ParsePageId(context.Param("id")));
  storage::Connection connection = database.Acquire();
  std::optional<demand::StoredReport> report =
      demand::ReportStore::Get(connection, access.partner.id, report_id);
  if (!report) return NotFound("Rapport introuvable.");
  std::optional<demand::BarometerFigures> figures = demand::FiguresFromJson(report->figures);
  if (!figures) return Internal("Rapport illisible : ses chiffres sont abîmés.");
  std::string stem =
      std::string(report->kind == demand::ReportKind::kDiagnostic ? "diagnostic-initial-"
                                                                  : "barometre-") +
      access.partner.slug + "-" + report->last_day;
  return LoadedReport{std::move(access), std::move(connection), std::move(*report),
                      std::move(*figures), std::move(stem)};
}

}  // namespace

void RegisterBarometerPages(web::App& app, storage::Database& database, const Clock& clock,
                            const engine::GridFile* grid,
                            const demand::RegionsOfDepartements* regions,
                            const display::Labels& labels) {
  app.Get(
      "/partenaire/{slug}/barometre",
      partners::Entitled(
          database, subscriptions::ProductCode::kOption1,
          [&database, &clock, grid, regions, &labels,
           comparable = std::make_shared<ComparableCache>()](Context& context) -> Result<Response> {
            VV_ASSIGN_OR_RETURN(PeriodFigures loaded, LoadFigures(context, database, clock, grid));
            const partners::Access& access = loaded.access;
            const demand::BarometerFigures& figures = loaded.figures;
            mstch::array weeks;
            for (const demand::WeekPoint& week : figures.weeks) {
              weeks.push_back(mstch::map{{"first_day", FrenchDay(week.first_day)},
                                         {"searches", std::to_string(week.searches)},
                                         {"green", std::to_string(week.green)}});
            }
            mstch::array criteria;
            for (const demand::CriterionRetreat& row : figures.criteria)
              criteria.push_back(CriterionRow(row));
            mstch::map data{
                {"title", "Baromètre d'attractivité — " + access.partner.name},
                {"partner", partners::PartnerData(access)},
                {"first_day", FrenchDay(figures.first_day)},
                {"last_day", FrenchDay(figures.last_day)},
                {"period_days", std::to_string(kPeriodDays)},
                {"searches", std::to_string(figures.searches)},
                {"green", std::to_string(figures.green)},
                {"green_share", figures.searches > 0
                                    ? Percent(static_cast<double>(figures.green) / figures.searches)
                                    : std::string("—")},
                {"has_trend", figures.share_recent.has_value() && figures.share_before.has_value()},
                {"share_recent",
                 figures.share_recent ? Percent(*figures.share_recent) : std::string("—")},
                {"share_before",
                 figures.share_before ? Percent(*figures.share_before) : std::string("—")},
                {"has_searches", figures.searches > 0},
                {"weeks_chart", WeeksChart(figures.weeks)},
                {"weeks", weeks},
                {"retreat_chart", RetreatChart(figures.criteria)},
                {"criteria", criteria},
                {"has_criteria", !criteria.empty()},
                {"demo", figures.demo},
                {"pdf_href", partners::PartnerBase(access.partner) + "/barometre/diagnostic.pdf"},
                {"xlsx_href", partners::PartnerBase(access.partner) + "/barometre/diagnostic.xlsx"},
                {"grid_built", FrenchDate(grid->header().value("built_at", int64_t{0}))}};
            {
              storage::Connection connection = database.Acquire();
              mstch::array events = EventRows(demand::ComputeEvents(connection, access.partner.id,
                                                                    ParisDate(clock.NowSeconds())),
                                              partners::PartnerBase(access.partner));
              data["has_events"] = !events.empty();
              data["events"] = std::move(events);
              AddReports(data, connection, access);
              if (regions != nullptr) {
                AddComparable(data, comparable->Get(access.partner.id, loaded.from, loaded.to,
                                                    clock.NowSeconds(), [&] {
                                                      return demand::ComputeComparableShare(
                                                          connection, *grid, *regions,
                                                          access.partner, loaded.territory,
                                                          loaded.from, loaded.to);
                                                    }));
              }
              AddDemandOffer(data,
                             demand::ComputeDemandOffer(connection, *grid, access.partner.id,
                                                        loaded.territory, clock.NowSeconds()),
                             labels);
            }
            data["can_edit"] = access.can_edit();
            data["events_action"] = partners::PartnerBase(access.partner) + "/barometre/evenements";
            if (figures.share_recent && figures.share_before) {
              const double change = *figures.share_recent - *figures.share_before;
              data["trend"] = std::string(change > 0   ? "en hausse"
                                          : change < 0 ? "en baisse"
                                                       : "stable");
            }
            return context.Page("partner_barometer", std::move(data));
          }));

  // Events: the partner's editors mark a day and a label, or remove one.
  app.Post(
      "/partenaire/{slug}/barometre/evenements",
      partners::Entitled(
          database, subscriptions::ProductCode::kOption1,
          [&database, &clock](Context& context) -> Result<Response> {
            VV_ASSIGN_OR_RETURN(partners::Access access,
                                partners::AccessFor(context, database, /*need_edit=*/true));
            // Typed as JJ/MM/AAAA (AAAA-MM-JJ from older links is accepted too).
            const std::optional<std::string> typed =
                ParseTypedDay(context.request().Form("jour").value_or(""));
            const std::string label = Trim(context.request().Form("libelle").value_or(""));
            if (!typed) {
              return InvalidArgument(
                  "Date de l'événement invalide : attendue au format JJ/MM/AAAA (par exemple "
                  "15/03/2027).",
                  "jour");
            }
            const std::string& day = *typed;
            if (day > ParisDate(clock.NowSeconds())) {
              return InvalidArgument("La date de l'événement ne peut pas être dans le futur.",
                                     "jour");
            }
            if (label.empty() || label.size() > demand::kMaxEventLabel || !IsValidUtf8(label)) {
              return InvalidArgument("Libellé de l'événement requis, de " +
                                         std::to_string(demand::kMaxEventLabel) +
                                         " caractères au plus.",
                                     "libelle");
            }
            storage::Connection connection = database.Acquire();
            demand::DemandStore::AddEvent(connection, access.partner.id, day, label,
                                          clock.NowSeconds());
            return Response::Redirect(partners::PartnerBase(access.partner) +
                                      "/barometre#evenements");
          }));
  app.Post("/partenaire/{slug}/barometre/evenements/{id}/supprimer",
           partners::Entitled(
               database, subscriptions::ProductCode::kOption1,
               [&database](Context& context) -> Result<Response> {
                 VV_ASSIGN_OR_RETURN(partners::Access access,
                                     partners::AccessFor(context, database, /*need_edit=*/true));
                 VV_ASSIGN_OR_RETURN(int64_t event_id, partners::ParsePageId(context.Param("id")));
                 storage::Connection connection = database.Acquire();
                 if (!demand::DemandStore::DeleteEvent(connection, access.partner.id, event_id))
                   return NotFound("Événement introuvable.");
                 return Response::Redirect(partners::PartnerBase(access.partner) +
                                           "/barometre#evenements");
               }));

  // The periodic reports: their frequency, set by operators only (3 to 12 months), and
  // each report as issued, as a PDF.
  app.Post(
      "/partenaire/{slug}/barometre/frequence",
      partners::Entitled(
          database, subscriptions::ProductCode::kOption1,
          [&database, &clock](Context& context) -> Result<Response> {
            VV_ASSIGN_OR_RETURN(partners::Access access, partners::AccessFor(context, database));
            if (!access.operator_access) {
              return PermissionDenied(
                  "Seuls les opérateurs de VivroVert fixent la fréquence du baromètre.");
            }
            const std::string typed = Trim(context.request().Form("mois").value_or(""));
            int months = 0;
            const auto [end, error] =
                std::from_chars(typed.data(), typed.data() + typed.size(), months);
            if (typed.empty() || error != std::errc() || end != typed.data() + typed.size()) {
              return InvalidArgument("Fréquence du baromètre invalide : un nombre de mois de " +
                                         std::to_string(demand::kMinReportMonths) + " à " +
                                         std::to_string(demand::kMaxReportMonths) + ".",
                                     "mois");
            }
            storage::Connection connection = database.Acquire();
            VV_RETURN_IF_ERROR(demand::ReportStore::SetMonths(connection, access.partner.id, months,
                                                              clock.NowSeconds()));
            return Response::Redirect(partners::PartnerBase(access.partner) +
                                      "/barometre#rapports");
          }));
  app.Get(
      "/partenaire/{slug}/barometre/rapports/{id}",
      partners::Entitled(
          database, subscriptions::ProductCode::kOption1,
          [&database](Context& context) -> Result<Response> {
            VV_ASSIGN_OR_RETURN(LoadedReport loaded, LoadReport(context, database));
            std::optional<demand::ReportComparison> comparison;
            if (std::optional<demand::StoredReport> previous = demand::ReportStore::Before(
                    loaded.connection, loaded.access.partner.id, loaded.report.first_day)) {
              if (std::optional<demand::BarometerFigures> before =
                      demand::FiguresFromJson(previous->figures))
                comparison = demand::CompareReports(*before, loaded.figures);
            }
            VV_ASSIGN_OR_RETURN(std::string pdf,
                                demand::PeriodicReportPdf(loaded.report, loaded.figures, comparison,
                                                          loaded.access.partner.name)
                                    .Render());
            return Response::Attachment(std::move(pdf), "application/pdf", loaded.stem + ".pdf");
          }));

  // A stored report's figures as an XLSX sheet (the same columns as the diagnostic's).
  app.Get("/partenaire/{slug}/barometre/rapports/{id}/chiffres.xlsx",
          partners::Entitled(
              database, subscriptions::ProductCode::kOption1,
              [&database](Context& context) -> Result<Response> {
                VV_ASSIGN_OR_RETURN(LoadedReport loaded, LoadReport(context, database));
                VV_ASSIGN_OR_RETURN(std::string xlsx,
                                    exports::TableXlsx(demand::BarometerTable(loaded.figures)));
                return Response::Attachment(
                    std::move(xlsx),
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    loaded.stem + ".xlsx");
              }));

  // The diagnostic as documents: the page's figures as a PDF and an XLSX sheet.
  app.Get("/partenaire/{slug}/barometre/{file}",
          partners::Entitled(
              database, subscriptions::ProductCode::kOption1,
              [&database, &clock, grid](Context& context) -> Result<Response> {
                const std::string file = context.Param("file");
                if (file != "diagnostic.pdf" && file != "diagnostic.xlsx")
                  return NotFound("Page introuvable.");
                VV_ASSIGN_OR_RETURN(PeriodFigures loaded,
                                    LoadFigures(context, database, clock, grid));
                const std::string today = ParisDate(clock.NowSeconds());
                const std::string stem = "diagnostic-" + loaded.access.partner.slug + "-" + today;
                if (file == "diagnostic.xlsx") {
                  VV_ASSIGN_OR_RETURN(std::string xlsx,
                                      exports::TableXlsx(demand::BarometerTable(loaded.figures)));
                  return Response::Attachment(
                      std::move(xlsx),
                      "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                      stem + ".xlsx");
                }
                const demand::ReportHeading heading{
                    loaded.access.partner.name, today,
                    FrenchDate(grid->header().value("built_at", int64_t{0}))};
                VV_ASSIGN_OR_RETURN(std::string pdf,
                                    demand::BarometerPdf(loaded.figures, heading).Render());
                return Response::Attachment(std::move(pdf), "application/pdf", stem + ".pdf");
              }));
}

}  // namespace vivrovert::barometer
