#include "web/operator/operator_pages.hpp"

#include <Poco/URI.h>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <memory>
#include <nlohmann/json.hpp>

#include "core/common/text.hpp"
#include "domain/audience/audience_store.hpp"
#include "domain/display/labels.hpp"
#include "domain/listings/import_log.hpp"
#include "domain/mail/bounces.hpp"
#include "domain/mail/outbox.hpp"
#include "domain/partners/partner_store.hpp"
#include "domain/partners/partner_territory.hpp"
#include "engine/engine.hpp"
#include "web/partners/page_parts.hpp"
#include "web/partners/partner_access.hpp"

namespace vivrovert::partners {

namespace {

using nlohmann::json;
using web::Context;
using web::Response;

// "45 s", "12 min", "3 h 05 min", "2 j 4 h": how long mail has been waiting.
std::string FrenchDuration(int64_t seconds) {
  if (seconds < 60) return std::to_string(std::max<int64_t>(seconds, 0)) + " s";
  const int64_t minutes = seconds / 60;
  if (minutes < 60) return std::to_string(minutes) + " min";
  const int64_t hours = minutes / 60;
  if (hours < 24) {
    char text[32];
    std::snprintf(text, sizeof text, "%lld h %02lld min", static_cast<long long>(hours),
                  static_cast<long long>(minutes % 60));
    return text;
  }
  return std::to_string(hours / 24) + " j " + std::to_string(hours % 24) + " h";
}

// The "Courrier" section of the operator console: the outbox counts, the last failures
// and the bouncing addresses.
mstch::map MailSection(storage::Connection& connection, int64_t now) {
  constexpr int kFailuresShown = 20;
  constexpr int kBouncesShown = 100;
  const mail::OutboxCounts counts = mail::CountOutbox(connection, now);
  mstch::array failures;
  for (const mail::OutboxEntry& entry :
       mail::ListOutbox(connection, mail::OutboxStatus::kFailed, kFailuresShown)) {
    failures.push_back(mstch::map{{"address", entry.to_address},
                                  {"subject", entry.subject},
                                  {"date", FormatDate(entry.created_at)},
                                  {"error", entry.last_error}});
  }
  mstch::array bounces;
  for (const mail::Bounce& bounce : mail::ListBounces(connection, kBouncesShown)) {
    bounces.push_back(mstch::map{{"address", bounce.address},
                                 {"failures", std::to_string(bounce.failures)},
                                 {"since", FormatDate(bounce.first_failed_at)},
                                 {"last", FormatDate(bounce.last_failed_at)},
                                 {"error", bounce.last_error}});
  }
  return mstch::map{
      {"pending", std::to_string(counts.pending)},
      {"pending_due", std::to_string(counts.pending_due)},
      {"sending", std::to_string(counts.sending)},
      {"failed", std::to_string(counts.failed)},
      {"sent_24h", std::to_string(counts.sent_last_24h)},
      {"oldest_due", counts.oldest_due_age_seconds ? FrenchDuration(*counts.oldest_due_age_seconds)
                                                   : std::string("aucun courrier en attente")},
      {"failures", failures},
      {"has_failures", !failures.empty()},
      {"bounces", bounces},
      {"has_bounces", !bounces.empty()},
      {"reactivated", false}};
}

engine::TerritoryCodes CodesFromText(const std::string& communes, const std::string& epcis,
                                     const std::string& departements) {
  auto split = [](const std::string& text) {
    std::vector<std::string> codes;
    std::string current;
    for (char c : text + " ") {
      if (c == ' ' || c == ',' || c == ';' || c == '\n' || c == '\r' || c == '\t') {
        if (!current.empty()) codes.push_back(current);
        current.clear();
      } else {
        current += c;
      }
    }
    return codes;
  };
  return {split(communes), split(epcis), split(departements)};
}

std::string JoinCodes(const std::vector<std::string>& codes) {
  std::string out;
  for (const std::string& code : codes) out += (out.empty() ? "" : " ") + code;
  return out;
}

// The last 30 days (today included) of audience figures: views by day, by page and by
// source (audience/), for the console.
mstch::map AudienceSection(storage::Connection& connection, int64_t now,
                           const std::function<std::string(int64_t)>& day_of) {
  constexpr int kDays = 30;
  const int64_t first = now - int64_t{kDays - 1} * 86400;
  std::string first_day;
  if (day_of) {
    first_day = day_of(first);
  } else {
    const std::time_t seconds = static_cast<std::time_t>(first);
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    char text[11];
    std::strftime(text, sizeof text, "%Y-%m-%d", &utc);
    first_day = text;
  }
  int64_t views = 0;
  auto rows = [&](audience::AudienceDimension dimension) {
    mstch::array out;
    for (const audience::ViewTotal& total :
         audience::AudienceStore::Totals(connection, first_day, dimension)) {
      const bool by_day = dimension == audience::AudienceDimension::kDay;
      if (by_day) views += total.views;
      out.push_back(mstch::map{{"key", by_day ? FrenchDay(total.key) : total.key},
                               {"views", std::to_string(total.views)}});
    }
    return out;
  };
  mstch::array by_day = rows(audience::AudienceDimension::kDay);
  return mstch::map{{"days", std::to_string(kDays)},
                    {"first_day", FrenchDay(first_day)},
                    {"total", std::to_string(views)},
                    {"has_views", views > 0},
                    {"by_day", by_day},
                    {"by_page", rows(audience::AudienceDimension::kPage)},
                    {"by_source", rows(audience::AudienceDimension::kSource)}};
}

}  // namespace

void RegisterOperatorPages(web::App& app, PartnerPagesEnv env) {
  auto shared = std::make_shared<PartnerPagesEnv>(env);
  storage::Database& database = env.database;
  listings::ListingService& service = env.listings;

  auto partner_form = [](Context& context, const std::optional<Partner>& partner,
                         const PartnerInput& input, ReportFrequency report_frequency,
                         const std::vector<Partner>& all, const Status& error, int status) {
    mstch::array frequencies;
    for (ReportFrequency frequency : kReportFrequencies) {
      frequencies.push_back(mstch::map{{"code", std::string(ReportFrequencyName(frequency))},
                                       {"label", std::string(ReportFrequencyLabel(frequency))},
                                       {"selected", frequency == report_frequency}});
    }
    mstch::array kinds;
    for (PartnerKind kind : {PartnerKind::kCommune, PartnerKind::kEpci, PartnerKind::kDepartement,
                             PartnerKind::kGrouping}) {
      kinds.push_back(mstch::map{{"code", std::string(PartnerKindName(kind))},
                                 {"label", std::string(PartnerKindLabel(kind))},
                                 {"selected", input.kind == kind}});
    }
    mstch::array members;
    for (const Partner& other : all) {
      if (other.kind == PartnerKind::kGrouping || (partner && other.id == partner->id)) continue;
      const bool checked = std::find(input.member_ids.begin(), input.member_ids.end(), other.id) !=
                           input.member_ids.end();
      members.push_back(
          mstch::map{{"id", std::to_string(other.id)}, {"name", other.name}, {"checked", checked}});
    }
    mstch::map data{
        {"title",
         std::string(partner ? "Modifier " + partner->name : "Nouveau partenaire") + " — console"},
        {"is_new", !partner.has_value()},
        {"operator_nav", mstch::map{{"new_partner", !partner.has_value()}}},
        {"action", partner ? "/operateur/partenaires/" + std::to_string(partner->id)
                           : "/operateur/partenaires"},
        {"back_office", partner ? PartnerBase(*partner) : std::string()},
        {"name", input.name},
        {"slug", input.slug},
        {"kinds", kinds},
        {"report_frequencies", frequencies},
        {"members", members},
        {"has_members", !members.empty()},
        {"communes", JoinCodes(input.territory.communes)},
        {"epcis", JoinCodes(input.territory.epcis)},
        {"departements", JoinCodes(input.territory.departements)},
        {"error", error.ok() ? std::string() : error.message()},
        {"error_field", error.field()},
        {"territory_map", true}};
    return context.Page("operator_partner_form", std::move(data), status);
  };

  auto input_from_form = [](const web::Request& request) {
    PartnerInput input;
    input.kind =
        ParsePartnerKind(request.Form("kind").value_or("")).value_or(PartnerKind::kCommune);
    input.name = request.Form("name").value_or("");
    input.slug = Trim(request.Form("slug").value_or(""));
    input.territory =
        CodesFromText(request.Form("communes").value_or(""), request.Form("epcis").value_or(""),
                      request.Form("departements").value_or(""));
    for (const std::string& member : request.FormAll("members")) {
      if (auto id = ParsePageId(member); id.ok()) input.member_ids.push_back(*id);
    }
    return input;
  };

  // The lead report frequency of the form: `fallback` when the field is absent; an unknown
  // value is an error for the field.
  auto frequency_from_form = [](const web::Request& request,
                                ReportFrequency fallback) -> Result<ReportFrequency> {
    std::optional<std::string> value = request.Form("lead_report_frequency");
    if (!value) return fallback;
    std::optional<ReportFrequency> frequency = ParseReportFrequency(*value);
    if (!frequency) {
      return InvalidArgument(
          "Fréquence du rapport inconnue : « " + value->substr(0, 20) +
              " » (choisissez chaque jour, chaque semaine, chaque mois ou jamais).",
          "lead_report_frequency");
    }
    return *frequency;
  };

  const web::App& shared_app = app;
  app.Get(
      "/operateur",
      [&database, &service, &shared_app, shared](Context& context) -> Result<Response> {
        storage::Connection connection = database.Acquire();
        mstch::array partners;
        int64_t active_total = 0;
        const std::vector<Partner> all_partners = PartnerStore::List(connection);
        for (const Partner& partner : all_partners) {
          auto counts = listings::ListingStore::Counts(connection, partner.id, service.Today());
          int64_t active = 0;
          for (const auto& [key, count] : counts) active += key.second == "active" ? count : 0;
          active_total += active;
          partners.push_back(
              mstch::map{{"name", partner.name},
                         {"kind", std::string(PartnerKindLabel(partner.kind))},
                         {"edit", "/operateur/partenaires/" + std::to_string(partner.id)},
                         {"back_office", PartnerBase(partner)},
                         {"active", display::Labels::Integer(active)},
                         {"is_demo", partner.is_demo}});
        }
        mstch::array imports;
        for (const listings::ImportRecord& record :
             listings::ImportLog::Recent(connection, std::nullopt, 20)) {
          std::optional<Partner> owner =
              record.partner_id ? PartnerStore::Get(connection, *record.partner_id) : std::nullopt;
          mstch::map row =
              ReportData(record, owner ? PartnerBase(*owner) : std::string("/operateur"));
          row["partner"] = owner ? owner->name : record.source_key;
          imports.push_back(row);
        }
        listings::ListingFilter filter;
        filter.today = service.Today();
        filter.limit = 50;
        filter.status = listings::kStatusActive;
        if (auto after = context.request().Query("apres")) {
          if (auto id = ParsePageId(*after); id.ok()) filter.after_id = *id;
        }
        mstch::array rows;
        for (const listings::Listing& listing : listings::ListingStore::List(connection, filter)) {
          std::optional<Partner> owner = listing.partner_id
                                             ? PartnerStore::Get(connection, *listing.partner_id)
                                             : std::nullopt;
          mstch::map row =
              ListingRow(listing, filter.today,
                         owner ? PartnerBase(*owner) : std::string("/operateur"), shared->labels);
          row["source"] = owner ? owner->name : listing.source_key;
          rows.push_back(row);
        }
        mstch::map mail = MailSection(connection, shared_app.clock().NowSeconds());
        mstch::map audience =
            AudienceSection(connection, shared_app.clock().NowSeconds(), shared->audience_day);
        if (auto address = context.request().Query("reactive")) {
          mail["reactivated"] = mstch::map{{"address", *address}};
        }
        return context.Page(
            "operator_console",
            mstch::map{{"title", std::string("Console opérateur — VivroVert")},
                       {"operator_nav", mstch::map{{"console", true}}},
                       {"partner_count",
                        display::Labels::Integer(static_cast<int64_t>(all_partners.size()))},
                       {"active_total", display::Labels::Integer(active_total)},
                       {"partners", partners},
                       {"imports", imports},
                       {"listings", rows},
                       {"mail", mail},
                       {"audience", audience}});
      },
      {.access = web::Access::kOperator});

  // "Réactiver": the operator says a bouncing address works again; list mail resumes.
  app.Post("/operateur/courrier/reactiver",
           [&database](Context& context) -> Result<Response> {
             const std::string address = Trim(context.request().Form("address").value_or(""));
             if (address.empty())
               return InvalidArgument("Indiquez l'adresse e-mail à réactiver.", "address");
             storage::Connection connection = database.Acquire();
             if (!mail::ClearBounce(connection, address)) {
               return NotFound("L'adresse « " + address +
                               " » n'est pas dans la liste des adresses en échec.");
             }
             std::string encoded;
             Poco::URI::encode(address, "&=+#?%/ ", encoded);
             return Response::Redirect("/operateur?reactive=" + encoded + "#courrier");
           },
           {.access = web::Access::kOperator});

  app.Get("/operateur/partenaires/nouveau",
          [&database, partner_form](Context& context) -> Result<Response> {
            storage::Connection connection = database.Acquire();
            return partner_form(context, std::nullopt, PartnerInput{}, ReportFrequency::kMonthly,
                                PartnerStore::List(connection), Status::Ok(), 200);
          },
          {.access = web::Access::kOperator});

  // Territory codes are checked against the grid before anything is stored.
  auto check_codes = [&service](storage::Connection& connection,
                                const PartnerInput& input) -> Status {
    if (service.grid() == nullptr) return Status::Ok();
    Partner probe;
    probe.territory = input.territory;
    probe.member_ids = input.member_ids;
    auto resolved =
        engine::Territory::Resolve(*service.grid(), WholeTerritoryCodes(connection, probe));
    if (!resolved.ok()) return InvalidArgument(resolved.status().message(), "territory");
    return Status::Ok();
  };

  // A partner's territory changed: so did its groupings'.
  auto territory_changed = [shared](storage::Connection& connection, int64_t id) {
    if (!shared->territory_changed) return;
    shared->territory_changed(connection, id);
    for (int64_t grouping : PartnerStore::GroupingsOf(connection, id))
      shared->territory_changed(connection, grouping);
  };

  app.Post("/operateur/partenaires",
           [&database, &service, partner_form, input_from_form, check_codes, frequency_from_form,
            territory_changed](Context& context) -> Result<Response> {
             PartnerInput input = input_from_form(context.request());
             Result<ReportFrequency> frequency =
                 frequency_from_form(context.request(), ReportFrequency::kMonthly);
             storage::Connection connection = database.Acquire();
             Status codes = frequency.ok() ? check_codes(connection, input) : frequency.status();
             Result<Partner> created = codes.ok()
                                           ? PartnerStore::Create(connection, input, service.Now())
                                           : Result<Partner>(codes);
             if (!created.ok()) {
               return partner_form(context, std::nullopt, input,
                                   frequency.ok() ? *frequency : ReportFrequency::kMonthly,
                                   PartnerStore::List(connection), created.status(), 422);
             }
             VV_RETURN_IF_ERROR(
                 PartnerStore::SetLeadReportFrequency(connection, created->id, *frequency));
             territory_changed(connection, created->id);
             return Response::Redirect("/operateur/partenaires/" + std::to_string(created->id));
           },
           {.access = web::Access::kOperator});

  app.Get("/operateur/partenaires/{id}",
          [&database, partner_form](Context& context) -> Result<Response> {
            VV_ASSIGN_OR_RETURN(int64_t id, ParsePageId(context.Param("id")));
            storage::Connection connection = database.Acquire();
            std::optional<Partner> partner = PartnerStore::Get(connection, id);
            if (!partner) return NotFound("Partenaire introuvable.");
            PartnerInput input{partner->kind,      partner->name,       partner->slug,
                               partner->territory, partner->member_ids, partner->is_demo};
            return partner_form(context, partner, input, partner->lead_report_frequency,
                                PartnerStore::List(connection), Status::Ok(), 200);
          },
          {.access = web::Access::kOperator});

  app.Post("/operateur/partenaires/{id}",
           [&database, &service, partner_form, input_from_form, check_codes, frequency_from_form,
            territory_changed](Context& context) -> Result<Response> {
             VV_ASSIGN_OR_RETURN(int64_t id, ParsePageId(context.Param("id")));
             storage::Connection connection = database.Acquire();
             std::optional<Partner> partner = PartnerStore::Get(connection, id);
             if (!partner) return NotFound("Partenaire introuvable.");
             PartnerInput input = input_from_form(context.request());
             input.is_demo = partner->is_demo;
             Result<ReportFrequency> frequency =
                 frequency_from_form(context.request(), partner->lead_report_frequency);
             Status status = frequency.ok() ? check_codes(connection, input) : frequency.status();
             if (status.ok()) status = PartnerStore::Update(connection, id, input, service.Now());
             if (status.ok())
               status = PartnerStore::SetLeadReportFrequency(connection, id, *frequency);
             if (!status.ok()) {
               return partner_form(context, partner, input,
                                   frequency.ok() ? *frequency : partner->lead_report_frequency,
                                   PartnerStore::List(connection), status, 422);
             }
             territory_changed(connection, id);
             return Response::Redirect("/operateur");
           },
           {.access = web::Access::kOperator});
}

}  // namespace vivrovert::partners
