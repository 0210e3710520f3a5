#include "domain/leads/lead_report.hpp"

#include <unicode/gregocal.h>
#include <unicode/timezone.h>

#include <chrono>
#include <cstdio>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <stdexcept>

#include "core/common/text.hpp"
#include "domain/leads/lead_disclosure.hpp"
#include "domain/leads/lead_store.hpp"
#include "domain/mail/bounces.hpp"
#include "domain/mail/opt_outs.hpp"
#include "domain/mail/outbox.hpp"
#include "domain/mail/unsubscribe.hpp"

namespace vivrovert::leads {

namespace {

using partners::ReportFrequency;
using std::chrono::days;
using std::chrono::sys_days;
using std::chrono::year_month_day;

constexpr const char* kMonths[] = {"janvier",   "février", "mars",     "avril",
                                   "mai",       "juin",    "juillet",  "août",
                                   "septembre", "octobre", "novembre", "décembre"};

std::optional<sys_days> ParseDay(const std::string& text) {
  std::optional<int64_t> start = ParseUtcDate(text);
  if (!start) return std::nullopt;
  return sys_days(days(*start / (24 * 3600)));
}

std::string DayText(sys_days day) {
  return UtcDate(std::chrono::sys_seconds(day).time_since_epoch().count());
}

// "1er", "2"… as French dates write the day of the month.
std::string DayOfMonth(const year_month_day& date) {
  const unsigned day = static_cast<unsigned>(date.day());
  return day == 1 ? "1er" : std::to_string(day);
}

std::string MonthName(const year_month_day& date) {
  return kMonths[static_cast<unsigned>(date.month()) - 1];
}
std::string Year(const year_month_day& date) {
  return std::to_string(static_cast<int>(date.year()));
}

// "semaine du 16 au 22 novembre 2026", "… du 30 novembre au 6 décembre 2026",
// "… du 29 décembre 2025 au 4 janvier 2026".
std::string WeekWords(sys_days monday, sys_days sunday) {
  const year_month_day first{monday}, last{sunday};
  std::string words = "semaine du " + DayOfMonth(first);
  if (first.month() != last.month() || first.year() != last.year()) words += " " + MonthName(first);
  if (first.year() != last.year()) words += " " + Year(first);
  return words + " au " + DayOfMonth(last) + " " + MonthName(last) + " " + Year(last);
}

// "2026-W47": the ISO year and week of the week starting on `monday`.
std::string IsoWeekKeyOf(sys_days monday) { return IsoWeekKey(DayText(monday)); }

// "aucun nouveau contact", "1 nouveau contact", "3 nouveaux contacts".
std::string NewCount(size_t count, const std::string& noun) {
  if (count == 0) return "aucun nouveau " + noun;
  if (count == 1) return "1 nouveau " + noun;
  return std::to_string(count) + " nouveaux " + noun + "s";
}

// When the report comes, as the mail says it ("Ce rapport vous arrive …").
const char* FrequencyPhrase(ReportFrequency frequency) {
  switch (frequency) {
    case ReportFrequency::kDaily:
      return "chaque jour, pour la veille";
    case ReportFrequency::kWeekly:
      return "chaque lundi, pour la semaine écoulée";
    case ReportFrequency::kMonthly:
      return "le 1er de chaque mois, pour le mois écoulé";
    case ReportFrequency::kNone:
      break;
  }
  return "";
}

// A staff member who left the lead reports list, or whose address the relay refused for
// good, gets no report.
bool ExcludedFromLeadReports(storage::Connection& connection, int64_t user_id,
                             const std::string& address) {
  return mail::IsOptedOut(connection, user_id, mail::MailList::kLeadReports) ||
         mail::IsBouncing(connection, address);
}

const display::Labels& LabelsOf(const LeadReportOptions& options) {
  static const display::Labels kPlain;
  return options.labels != nullptr ? *options.labels : kPlain;
}

std::string Communes(const Lead& lead, const LeadReportOptions& options) {
  std::string text;
  for (const std::string& code : lead.communes) {
    text += (text.empty() ? "" : ", ") + LabelsOf(options).Commune(code);
  }
  return text;
}

nlohmann::json PersonValues(const Lead& lead, const DisclosedPerson& person,
                            const LeadReportOptions& options) {
  nlohmann::json sections = nlohmann::json::array();
  for (const DisclosedSection& section : person.sections) {
    nlohmann::json fields = nlohmann::json::array();
    for (const DisclosedField& field : section.fields)
      fields.push_back({{"label", field.label}, {"value", field.value}});
    sections.push_back({{"label", section.label}, {"fields", fields}});
  }
  const bool identity = person.identity();
  return {{"kind_label", LeadKindLabel(lead.kind)},
          {"identity", identity},
          {"name", identity
                       ? (person.display_name.empty() ? "(nom non renseigné)" : person.display_name)
                       : "Personne qui ne partage pas son identité"},
          {"email", identity ? person.email : ""},
          {"since", display::Labels::Date(lead.first_at)},
          {"communes", Communes(lead, options)},
          {"sections", sections}};
}

}  // namespace

std::optional<int64_t> ParisDayStart(const std::string& day) {
  std::optional<sys_days> parsed = ParseDay(day);
  if (!parsed) return std::nullopt;
  const year_month_day date{*parsed};
  UErrorCode status = U_ZERO_ERROR;
  icu::GregorianCalendar calendar(icu::TimeZone::createTimeZone("Europe/Paris"),
                                  status);  // adopts the zone
  calendar.clear();
  calendar.set(static_cast<int>(date.year()),
               static_cast<int>(static_cast<unsigned>(date.month())) - 1,
               static_cast<int>(static_cast<unsigned>(date.day())), 0, 0, 0);
  const UDate millis = calendar.getTime(status);
  if (U_FAILURE(status))
    throw std::runtime_error(std::string("ICU calendar: ") + u_errorName(status));
  return static_cast<int64_t>(millis / 1000);
}

Result<ReportPeriod> ReportPeriodFor(ReportFrequency frequency, const std::string& run_date) {
  std::optional<sys_days> run = ParseDay(run_date);
  if (!run) {
    return InvalidArgument(
        "Date du passage illisible (attendu : AAAA-MM-JJ) : « " + run_date.substr(0, 20) + " ».",
        "run_date");
  }
  sys_days first, last;
  ReportPeriod period;
  switch (frequency) {
    case ReportFrequency::kDaily: {
      first = last = *run - days(1);
      const year_month_day date{first};
      period.key = DayText(first);
      period.words = DayOfMonth(date) + " " + MonthName(date) + " " + Year(date);
      break;
    }
    case ReportFrequency::kWeekly: {
      const unsigned weekday = std::chrono::weekday(*run).iso_encoding();  // Monday 1 … Sunday 7
      const sys_days this_monday = *run - days(weekday - 1);
      first = this_monday - days(7);
      last = this_monday - days(1);
      period.key = IsoWeekKeyOf(first);
      period.words = WeekWords(first, last);
      break;
    }
    case ReportFrequency::kMonthly: {
      const year_month_day date{*run};
      const std::chrono::year_month month =
          std::chrono::year_month(date.year(), date.month()) - std::chrono::months(1);
      first = sys_days(month / 1);
      last = sys_days(month / std::chrono::last);
      const year_month_day first_date{first};
      char key[16];
      std::snprintf(key, sizeof key, "%04d-%02u", static_cast<int>(month.year()),
                    static_cast<unsigned>(month.month()));
      period.key = key;
      period.words = MonthName(first_date) + " " + Year(first_date);
      break;
    }
    case ReportFrequency::kNone:
      return FailedPrecondition("Ce partenaire ne reçoit pas de rapport.");
  }
  period.first_day = DayText(first);
  period.last_day = DayText(last);
  period.from = *ParisDayStart(period.first_day);
  period.to = *ParisDayStart(DayText(last + days(1))) - 1;
  return period;
}

std::vector<int64_t> PartnersWithReportDue(storage::Connection& connection,
                                           const std::string& run_date) {
  std::map<ReportFrequency, std::string> keys;
  for (ReportFrequency frequency :
       {ReportFrequency::kDaily, ReportFrequency::kWeekly, ReportFrequency::kMonthly}) {
    Result<ReportPeriod> period = ReportPeriodFor(frequency, run_date);
    if (!period.ok())
      throw std::invalid_argument("PartnersWithReportDue: " + period.status().ToString());
    keys[frequency] = period->key;
  }
  // The reports already made for the periods in force (this part's table), then the
  // partners who asked for one (partners/ owns their choice).
  std::set<std::pair<int64_t, std::string>> made;
  for (const storage::Row& row : connection.Query(
           "SELECT partner_id, period_key FROM lead_report_runs WHERE period_key IN ($1, $2, $3)",
           {keys[ReportFrequency::kDaily], keys[ReportFrequency::kWeekly],
            keys[ReportFrequency::kMonthly]})) {
    made.emplace(row.Int(0), row.Text(1));
  }
  std::vector<int64_t> due;
  for (const auto& [partner_id, frequency] :
       partners::PartnerStore::ReportFrequencies(connection)) {
    if (!made.contains({partner_id, keys[frequency]})) due.push_back(partner_id);
  }
  return due;
}

LeadReportContent ComputeLeadReport(storage::Connection& connection, int64_t partner_id,
                                    const ReportPeriod& period) {
  const PartnerEvents events = LeadStore::Load(connection, partner_id);
  LeadReportContent content;
  content.period = period;
  std::map<int64_t, LeadKind> before;
  for (const Lead& lead : LeadsAt(events, period.from - 1)) before[lead.user_id] = lead.kind;
  for (Lead& lead : LeadsAt(events, period.to)) {
    auto found = before.find(lead.user_id);
    if (found != before.end() && found->second == lead.kind) continue;
    (lead.kind == LeadKind::kContact ? content.new_contacts : content.new_prospects)
        .push_back(std::move(lead));
  }
  const std::vector<LeadCounts> counts = CountsOverTime(events, {period.from - 1, period.to});
  content.anonymous_clicks = counts[1].anonymous_clicks - counts[0].anonymous_clicks;
  return content;
}

Result<int> EnqueueLeadReport(storage::Connection& connection, const mail::MailTemplates& templates,
                              const LeadReportOptions& options, int64_t partner_id,
                              const std::string& run_date, int64_t now) {
  std::optional<partners::Partner> partner = partners::PartnerStore::Get(connection, partner_id);
  if (!partner)
    return NotFound("Partenaire inconnu (" + std::to_string(partner_id) + ").", "partner_id");
  if (partner->lead_report_frequency == ReportFrequency::kNone) return 0;
  VV_ASSIGN_OR_RETURN(ReportPeriod period,
                      ReportPeriodFor(partner->lead_report_frequency, run_date));

  // The run's row first: a second run of the same period (or a concurrent one, which waits
  // on the key) finds it and sends nothing.
  if (!connection.QueryOne("INSERT INTO lead_report_runs (partner_id, period_key, run_date, "
                           "sent_at, recipients, contacts, prospects, "
                           "anonymous_clicks) VALUES ($1, $2, $3, $4, 0, 0, 0, 0) ON CONFLICT DO "
                           "NOTHING RETURNING partner_id",
                           {partner_id, period.key, run_date, now})) {
    return 0;
  }

  const LeadReportContent content = ComputeLeadReport(connection, partner_id, period);
  nlohmann::json people = nlohmann::json::array();
  size_t disclosed = 0, hidden = 0;
  for (const std::vector<Lead>* leads : {&content.new_prospects, &content.new_contacts}) {
    for (const Lead& lead : *leads) {
      const DisclosedPerson person = Disclose(connection, lead.user_id, LabelsOf(options));
      if (!person.disclosed()) {
        ++hidden;
        continue;
      }
      if (++disclosed <= kListedPeople) people.push_back(PersonValues(lead, person, options));
    }
  }
  const size_t new_total = content.new_contacts.size() + content.new_prospects.size();
  const std::string dashboard =
      options.public_base_url + "/partenaire/" + partner->slug + "/contacts";
  nlohmann::json values = {
      {"partner_name", partner->name},
      {"period", period.words},
      {"summary", NewCount(content.new_contacts.size(), "contact") + ", " +
                      NewCount(content.new_prospects.size(), "prospect")},
      {"contacts", content.new_contacts.size()},
      {"prospects", content.new_prospects.size()},
      {"anonymous_clicks", content.anonymous_clicks},
      {"has_new", new_total > 0},
      {"no_new", new_total == 0},
      {"people", people},
      {"hidden_phrase",
       hidden == 1
           ? std::string("1 nouvelle personne n'a pas consenti à partager ses informations : "
                         "elle est comptée, sans être nommée.")
           : std::to_string(hidden) +
                 " nouvelles personnes n'ont pas consenti à partager "
                 "leurs informations : elles sont comptées, sans être nommées."},
      {"has_hidden", hidden > 0},
      {"more", disclosed > kListedPeople ? disclosed - kListedPeople : 0},
      {"has_more", disclosed > kListedPeople},
      {"dashboard_url", dashboard},
      {"frequency_url", dashboard + "#rapport"},
      {"frequency_label", FrequencyPhrase(partner->lead_report_frequency)}};

  int queued = 0;
  for (const partners::StaffMember& member :
       partners::PartnerStore::Staff(connection, partner_id)) {
    if (ExcludedFromLeadReports(connection, member.user_id, member.email)) continue;
    const std::string unsubscribe = mail::UnsubscribeUrl(
        options.public_base_url, options.secret_key, mail::MailList::kLeadReports, member.user_id);
    values["display_name"] = member.display_name;
    values["unsubscribe_url"] = unsubscribe;
    VV_ASSIGN_OR_RETURN(mail::OutgoingMessage message,
                        templates.RenderNested("lead_report", values));
    message.idempotency_key = "lead_report:" + std::to_string(partner_id) + ":" + period.key + ":" +
                              std::to_string(member.user_id);
    message.to_address = member.email;
    mail::AddUnsubscribeHeaders(message, unsubscribe);
    if (mail::Enqueue(connection, message, now)) ++queued;
  }
  connection.Execute(
      "UPDATE lead_report_runs SET recipients = $1, contacts = $2, prospects = $3, "
      "anonymous_clicks = $4 "
      "WHERE partner_id = $5 AND period_key = $6",
      {static_cast<int64_t>(queued), static_cast<int64_t>(content.new_contacts.size()),
       static_cast<int64_t>(content.new_prospects.size()), content.anonymous_clicks, partner_id,
       period.key});
  return queued;
}

}  // namespace vivrovert::leads
