#include "domain/demand/periodic_report.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "core/common/paris_time.hpp"
#include "core/common/text.hpp"
#include "domain/billing/calendar.hpp"
#include "domain/demand/barometer_report.hpp"
#include "domain/mail/bounces.hpp"
#include "domain/mail/opt_outs.hpp"
#include "domain/mail/outbox.hpp"
#include "domain/mail/unsubscribe.hpp"
#include "domain/partners/partner_store.hpp"
#include "domain/partners/partner_territory.hpp"
#include "domain/subscriptions/subscriptions.hpp"

namespace vivrovert::demand {

namespace {

using nlohmann::json;

// The criteria a mail lists, the most blocking first.
constexpr size_t kMailCriteria = 5;

std::string PlusDays(const billing::Date& date, int days) {
  return billing::FormatIsoDate(
      billing::Date(std::chrono::sys_days(date) + std::chrono::days(days)));
}

json OptionalNumber(const std::optional<double>& value) {
  return value ? json(*value) : json(nullptr);
}

std::optional<double> ReadOptional(const json& value) {
  if (!value.is_number()) return std::nullopt;
  return value.get<double>();
}

double Share(int64_t part, int64_t total) {
  return total > 0 ? static_cast<double>(part) / static_cast<double>(total) : 0;
}

std::string PerDay(int64_t count, int days) {
  return days > 0 ? FrenchNumber(static_cast<double>(count) / days, 1) : "—";
}

std::string PeriodWords(const std::string& first_day, const std::string& last_day) {
  return "du " + FrenchDay(first_day) + " au " + FrenchDay(last_day);
}

}  // namespace

std::string ReportTitle(ReportKind kind) {
  return kind == ReportKind::kDiagnostic ? "Diagnostic initial" : "Baromètre";
}

std::optional<DueReport> NextReport(const std::string& anchor, int months,
                                    const std::optional<std::string>& previous_last_day) {
  const std::optional<billing::Date> start = billing::ParseIsoDate(anchor);
  if (!start) return std::nullopt;
  DueReport due;
  if (!previous_last_day) {
    due.kind = ReportKind::kDiagnostic;
    due.first_day = PlusDays(*start, -kDiagnosticDays);
    due.last_day = PlusDays(*start, -1);
    due.due_on = anchor;
    return due;
  }
  const std::optional<billing::Date> previous = billing::ParseIsoDate(*previous_last_day);
  if (!previous) return std::nullopt;
  due.kind = ReportKind::kBarometer;
  due.months = months;
  due.first_day = std::max(PlusDays(*previous, 1), anchor);
  const billing::Date first = *billing::ParseIsoDate(due.first_day);
  const billing::Date next = billing::AddMonths(first, months);
  due.due_on = billing::FormatIsoDate(next);
  due.last_day = billing::FormatIsoDate(billing::PreviousDay(next));
  return due;
}

int PeriodDays(const std::string& first_day, const std::string& last_day) {
  const std::optional<billing::Date> first = billing::ParseIsoDate(first_day);
  const std::optional<billing::Date> last = billing::ParseIsoDate(last_day);
  if (!first || !last) return 0;
  return static_cast<int>((std::chrono::sys_days(*last) - std::chrono::sys_days(*first)).count()) +
         1;
}

std::optional<int64_t> ParisDayStart(const std::string& day) {
  const std::optional<billing::Date> date = billing::ParseIsoDate(day);
  if (!date) return std::nullopt;
  const int64_t utc_midnight = std::chrono::duration_cast<std::chrono::seconds>(
                                   std::chrono::sys_days(*date).time_since_epoch())
                                   .count();
  // Paris is ahead of UTC by its offset at that moment; twice settles the DST edge.
  int64_t start = utc_midnight - ParisOffsetSeconds(utc_midnight);
  start = utc_midnight - ParisOffsetSeconds(start);
  return start;
}

std::string FiguresToJson(const BarometerFigures& figures) {
  json weeks = json::array();
  for (const WeekPoint& week : figures.weeks)
    weeks.push_back(
        {{"first_day", week.first_day}, {"searches", week.searches}, {"green", week.green}});
  json criteria = json::array();
  for (const CriterionRetreat& row : figures.criteria) {
    json item = {{"criterion", row.criterion},
                 {"label", row.label},
                 {"unit", row.unit},
                 {"asked", row.asked},
                 {"green", row.green},
                 {"blocked", row.blocked},
                 {"needed", OptionalNumber(row.needed)},
                 {"needed_upper", row.needed_upper}};
    if (row.bounds) {
      const BoundsAsked& bounds = *row.bounds;
      item["bounds"] = {{"upper", bounds.upper},     {"count", bounds.count},
                        {"lowest", bounds.lowest},   {"quartile1", bounds.quartile1},
                        {"median", bounds.median},   {"quartile3", bounds.quartile3},
                        {"highest", bounds.highest}, {"territory_share", bounds.territory_share}};
    }
    criteria.push_back(std::move(item));
  }
  return json{{"first_day", figures.first_day},
              {"last_day", figures.last_day},
              {"searches", figures.searches},
              {"green", figures.green},
              {"weeks", weeks},
              {"share_recent", OptionalNumber(figures.share_recent)},
              {"share_before", OptionalNumber(figures.share_before)},
              {"criteria", criteria},
              {"demo", figures.demo},
              {"replayed", figures.replayed}}
      .dump();
}

std::optional<BarometerFigures> FiguresFromJson(const std::string& text) {
  const json stored = json::parse(text, nullptr, false);
  if (!stored.is_object()) return std::nullopt;
  try {
    BarometerFigures figures;
    figures.first_day = stored.at("first_day").get<std::string>();
    figures.last_day = stored.at("last_day").get<std::string>();
    figures.searches = stored.at("searches").get<int64_t>();
    figures.green = stored.at("green").get<int64_t>();
    for (const json& week : stored.at("weeks")) {
      figures.weeks.push_back({week.at("first_day").get<std::string>(),
                               week.at("searches").get<int64_t>(),
                               week.at("green").get<int64_t>()});
    }
    figures.share_recent = ReadOptional(stored.at("share_recent"));
    figures.share_before = ReadOptional(stored.at("share_before"));
    for (const json& item : stored.at("criteria")) {
      CriterionRetreat row;
      row.criterion = item.at("criterion").get<std::string>();
      row.label = item.at("label").get<std::string>();
      row.unit = item.at("unit").get<std::string>();
      row.asked = item.at("asked").get<int64_t>();
      row.green = item.at("green").get<int64_t>();
      row.blocked = item.at("blocked").get<int64_t>();
      row.needed = ReadOptional(item.at("needed"));
      row.needed_upper = item.at("needed_upper").get<bool>();
      if (item.contains("bounds")) {
        const json& stored_bounds = item.at("bounds");
        BoundsAsked bounds;
        bounds.upper = stored_bounds.at("upper").get<bool>();
        bounds.count = stored_bounds.at("count").get<int64_t>();
        bounds.lowest = stored_bounds.at("lowest").get<double>();
        bounds.quartile1 = stored_bounds.at("quartile1").get<double>();
        bounds.median = stored_bounds.at("median").get<double>();
        bounds.quartile3 = stored_bounds.at("quartile3").get<double>();
        bounds.highest = stored_bounds.at("highest").get<double>();
        bounds.territory_share = stored_bounds.at("territory_share").get<double>();
        row.bounds = bounds;
      }
      figures.criteria.push_back(std::move(row));
    }
    figures.demo = stored.at("demo").get<bool>();
    figures.replayed = stored.at("replayed").get<int64_t>();
    return figures;
  } catch (const json::exception&) {
    return std::nullopt;
  }
}

ReportComparison CompareReports(const BarometerFigures& previous, const BarometerFigures& current) {
  ReportComparison comparison;
  comparison.first_day_before = previous.first_day;
  comparison.last_day_before = previous.last_day;
  comparison.days_before = PeriodDays(previous.first_day, previous.last_day);
  comparison.days_now = PeriodDays(current.first_day, current.last_day);
  comparison.searches_before = previous.searches;
  comparison.searches_now = current.searches;
  comparison.green_before = previous.green;
  comparison.green_now = current.green;
  std::map<std::string, const CriterionRetreat*> before;
  for (const CriterionRetreat& row : previous.criteria) before[row.criterion] = &row;
  std::set<std::string> seen;
  for (const CriterionRetreat& row : current.criteria) {
    CriterionChange change{row.criterion, row.label, 0, row.asked, 0, row.blocked};
    if (auto found = before.find(row.criterion); found != before.end()) {
      change.asked_before = found->second->asked;
      change.blocked_before = found->second->blocked;
    }
    seen.insert(row.criterion);
    comparison.criteria.push_back(std::move(change));
  }
  for (const CriterionRetreat& row : previous.criteria) {
    if (seen.contains(row.criterion)) continue;
    comparison.criteria.push_back({row.criterion, row.label, row.asked, 0, row.blocked, 0});
  }
  return comparison;
}

std::string SignedCount(int64_t change) {
  if (change == 0) return "0";
  return (change > 0 ? "+" : "−") + std::to_string(change > 0 ? change : -change);
}

std::string SignedPoints(double share_change) {
  const std::string text = FrenchNumber(std::abs(share_change) * 100.0, 1);
  if (text == "0") return "0 pt";
  return (share_change > 0 ? "+" : "−") + text + " pt";
}

documents::PdfDocument PeriodicReportPdf(const StoredReport& report,
                                         const BarometerFigures& figures,
                                         const std::optional<ReportComparison>& comparison,
                                         const std::string& partner_name) {
  documents::PdfDocument pdf;
  pdf.SetTitle(ReportTitle(report.kind) + " d'attractivité — " + partner_name);
  std::string intro = "Établi le " + FrenchDay(report.issued_on) + ", sur la demande " +
                      PeriodWords(figures.first_day, figures.last_day) + " (" +
                      std::to_string(PeriodDays(figures.first_day, figures.last_day)) + " jours)";
  intro += report.kind == ReportKind::kDiagnostic
               ? ", avant la mise en service du baromètre."
               : " ; un baromètre tous les " + std::to_string(report.months) + " mois.";
  pdf.AddParagraph(intro);
  AddDemoNotice(pdf, figures);
  if (comparison) {
    const ReportComparison& change = *comparison;
    pdf.AddHeading("Évolution depuis le rapport précédent");
    pdf.AddParagraph("Comparé au rapport " +
                     PeriodWords(change.first_day_before, change.last_day_before) + " (" +
                     std::to_string(change.days_before) +
                     " jours) ; les périodes pouvant différer de longueur, les recherches sont "
                     "aussi comparées par jour.");
    documents::Table totals;
    totals.columns = {{"Mesure", 2.6, false},
                      {"Rapport précédent", 1.2, true},
                      {"Ce rapport", 1, true},
                      {"Évolution", 1, true}};
    totals.rows.push_back({"Recherches pouvant atteindre le territoire",
                           std::to_string(change.searches_before),
                           std::to_string(change.searches_now),
                           SignedCount(change.searches_now - change.searches_before)});
    totals.rows.push_back(
        {"… par jour", PerDay(change.searches_before, change.days_before),
         PerDay(change.searches_now, change.days_now),
         change.days_before > 0 && change.days_now > 0
             ? (change.searches_now * change.days_before >= change.searches_before * change.days_now
                    ? "+"
                    : "−") +
                   FrenchNumber(
                       std::abs(static_cast<double>(change.searches_now) / change.days_now -
                                static_cast<double>(change.searches_before) / change.days_before),
                       1)
             : "—"});
    totals.rows.push_back({"Recherches rendant le territoire vert",
                           std::to_string(change.green_before), std::to_string(change.green_now),
                           SignedCount(change.green_now - change.green_before)});
    totals.rows.push_back({"Part rendant le territoire vert",
                           FrenchPercent(Share(change.green_before, change.searches_before)),
                           FrenchPercent(Share(change.green_now, change.searches_now)),
                           SignedPoints(Share(change.green_now, change.searches_now) -
                                        Share(change.green_before, change.searches_before))});
    pdf.AddTable(std::move(totals));
    if (!change.criteria.empty()) {
      documents::Table criteria;
      criteria.columns = {{"Critère", 2.2, false},        {"Exigé avant", 0.9, true},
                          {"Exigé", 0.8, true},           {"Évolution", 0.9, true},
                          {"Bloqué seul avant", 1, true}, {"Bloqué seul", 0.9, true},
                          {"Évolution", 0.9, true}};
      for (const CriterionChange& row : change.criteria) {
        criteria.rows.push_back(
            {row.label, std::to_string(row.asked_before), std::to_string(row.asked_now),
             SignedCount(row.asked_now - row.asked_before), std::to_string(row.blocked_before),
             std::to_string(row.blocked_now), SignedCount(row.blocked_now - row.blocked_before)});
      }
      pdf.AddTable(std::move(criteria));
    }
  } else if (report.kind == ReportKind::kBarometer) {
    pdf.AddParagraph("Premier rapport : pas de rapport précédent à comparer.");
  }
  AddBarometerSections(pdf, figures);
  pdf.SetFooter(BarometerSources({partner_name, report.issued_on, report.grid_built}));
  return pdf;
}

std::optional<std::string> Option1Since(storage::Connection& connection, int64_t partner_id,
                                        const std::string& date) {
  using subscriptions::ProductCode;
  const subscriptions::Entitlements entitlements =
      subscriptions::SubscriptionStore::For(connection, partner_id, date);
  if (!entitlements.Has(ProductCode::kOption1)) return std::nullopt;
  std::optional<std::string> since;
  auto consider = [&](const subscriptions::Subscription& subscription) {
    if (subscription.product != ProductCode::kOption1 || !subscription.InForceOn(date)) return;
    if (!since || subscription.start_date < *since) since = subscription.start_date;
  };
  for (const subscriptions::Subscription& subscription :
       subscriptions::SubscriptionStore::SubscriptionsOf(connection, partner_id))
    consider(subscription);
  for (const auto& [product, grouping] : entitlements.through_groupings) {
    if (product != ProductCode::kOption1) continue;
    for (const subscriptions::Subscription& subscription :
         subscriptions::SubscriptionStore::SubscriptionsOf(connection, grouping)) {
      if (std::find(subscription.member_ids.begin(), subscription.member_ids.end(), partner_id) !=
          subscription.member_ids.end())
        consider(subscription);
    }
  }
  return since ? since : std::optional<std::string>(date);
}

namespace {

// Queues the report's mail to each staff member; returns the mails queued.
Result<int64_t> MailReport(storage::Connection& connection, const mail::MailTemplates& templates,
                           const ReportMailOptions& options, const partners::Partner& partner,
                           const StoredReport& report, const BarometerFigures& figures,
                           const std::optional<ReportComparison>& comparison, int64_t now) {
  const std::string base = options.public_base_url + "/partenaire/" + partner.slug + "/barometre";
  json values = {
      {"partner_name", partner.name},
      {"title", ReportTitle(report.kind)},
      {"period", PeriodWords(figures.first_day, figures.last_day)},
      {"searches", std::to_string(figures.searches)},
      {"green", std::to_string(figures.green)},
      {"share", figures.searches > 0 ? FrenchPercent(Share(figures.green, figures.searches))
                                     : std::string("—")},
      {"demo", figures.demo},
      {"report_url", base + "/rapports/" + std::to_string(report.id)},
      {"page_url", base},
      {"has_comparison", comparison.has_value()},
      {"first_report", !comparison.has_value()}};
  if (comparison) {
    values["previous_period"] =
        PeriodWords(comparison->first_day_before, comparison->last_day_before);
    values["changes"] = json::array(
        {{{"label", "Recherches pouvant atteindre le territoire"},
          {"before", std::to_string(comparison->searches_before)},
          {"now", std::to_string(comparison->searches_now)},
          {"change", SignedCount(comparison->searches_now - comparison->searches_before)}},
         {{"label", "Recherches par jour"},
          {"before", PerDay(comparison->searches_before, comparison->days_before)},
          {"now", PerDay(comparison->searches_now, comparison->days_now)},
          {"change", ""}},
         {{"label", "Recherches rendant le territoire vert"},
          {"before", std::to_string(comparison->green_before)},
          {"now", std::to_string(comparison->green_now)},
          {"change", SignedCount(comparison->green_now - comparison->green_before)}},
         {{"label", "Part rendant le territoire vert"},
          {"before", FrenchPercent(Share(comparison->green_before, comparison->searches_before))},
          {"now", FrenchPercent(Share(comparison->green_now, comparison->searches_now))},
          {"change", SignedPoints(Share(comparison->green_now, comparison->searches_now) -
                                  Share(comparison->green_before, comparison->searches_before))}}});
  }
  json criteria = json::array();
  for (size_t row_idx = 0; row_idx < figures.criteria.size() && row_idx < kMailCriteria;
       ++row_idx) {
    const CriterionRetreat& row = figures.criteria[row_idx];
    criteria.push_back({{"label", row.label},
                        {"asked", std::to_string(row.asked)},
                        {"blocked", std::to_string(row.blocked)}});
  }
  values["has_criteria"] = !criteria.empty();
  values["criteria"] = std::move(criteria);

  int64_t queued = 0;
  for (const partners::StaffMember& member :
       partners::PartnerStore::Staff(connection, partner.id)) {
    if (mail::IsOptedOut(connection, member.user_id, mail::MailList::kLeadReports) ||
        mail::IsBouncing(connection, member.email))
      continue;
    const std::string unsubscribe = mail::UnsubscribeUrl(
        options.public_base_url, options.secret_key, mail::MailList::kLeadReports, member.user_id);
    values["display_name"] = member.display_name;
    values["unsubscribe_url"] = unsubscribe;
    VV_ASSIGN_OR_RETURN(mail::OutgoingMessage message,
                        templates.RenderNested("barometer_report", values));
    message.idempotency_key =
        "barometer_report:" + std::to_string(report.id) + ":" + std::to_string(member.user_id);
    message.to_address = member.email;
    mail::AddUnsubscribeHeaders(message, unsubscribe);
    if (mail::Enqueue(connection, message, now)) ++queued;
  }
  return queued;
}

}  // namespace

Result<IssueSummary> IssueDueReports(storage::Database& database, const engine::GridFile* grid,
                                     const mail::MailTemplates& templates,
                                     const ReportMailOptions& options, const std::string& run_date,
                                     int64_t now) {
  IssueSummary summary;
  if (grid == nullptr) return summary;
  std::vector<partners::Partner> partners;
  {
    storage::Connection connection = database.Acquire();
    partners = partners::PartnerStore::List(connection);
  }
  const std::string grid_built = FrenchDate(grid->header().value("built_at", int64_t{0}));
  for (const partners::Partner& partner : partners) {
    storage::Connection connection = database.Acquire();
    storage::Transaction transaction(connection);
    const std::optional<std::string> anchor = Option1Since(connection, partner.id, run_date);
    if (!anchor) continue;
    ++summary.partners;
    Result<engine::Territory> territory = partners::ResolveTerritory(connection, *grid, partner);
    if (!territory.ok()) continue;  // a territory of another grid: no figures to give
    const int months = ReportStore::Months(connection, partner.id);
    std::optional<StoredReport> last = ReportStore::Before(connection, partner.id, "9999-12-31");
    std::optional<StoredReport> latest;
    BarometerFigures latest_figures;
    for (int issued = 0; issued < kMaxReportsPerRun; ++issued) {
      const std::optional<DueReport> due =
          NextReport(*anchor, months, last ? std::optional(last->last_day) : std::nullopt);
      if (!due || due->due_on > run_date) break;
      const std::optional<int64_t> from = ParisDayStart(due->first_day);
      const std::optional<int64_t> to = ParisDayStart(due->due_on);
      if (!from || !to) break;
      BarometerFigures figures = ComputeBarometer(connection, *grid, partner.id, *territory,
                                                  due->first_day, due->last_day, *from, *to);
      StoredReport report;
      report.partner_id = partner.id;
      report.kind = due->kind;
      report.first_day = due->first_day;
      report.last_day = due->last_day;
      report.issued_on = run_date;
      report.months = due->months;
      report.figures = FiguresToJson(figures);
      report.grid_built = grid_built;
      report.demo = figures.demo;
      report.created_at = now;
      const std::optional<int64_t> id = ReportStore::Insert(connection, report);
      if (!id) break;  // another worker issued it
      report.id = *id;
      ++summary.reports;
      last = report;
      latest = report;
      latest_figures = std::move(figures);
    }
    if (latest) {
      std::optional<ReportComparison> comparison;
      if (std::optional<StoredReport> previous =
              ReportStore::Before(connection, partner.id, latest->first_day)) {
        if (std::optional<BarometerFigures> before = FiguresFromJson(previous->figures))
          comparison = CompareReports(*before, latest_figures);
      }
      VV_ASSIGN_OR_RETURN(int64_t mails, MailReport(connection, templates, options, partner,
                                                    *latest, latest_figures, comparison, now));
      ReportStore::SetRecipients(connection, latest->id, mails);
      summary.mails += mails;
    }
    transaction.Commit();
  }
  return summary;
}

}  // namespace vivrovert::demand
