#include "web/partners/partner_pages.hpp"

#include <Poco/URI.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/common/text.hpp"
#include "domain/audience/audience_store.hpp"
#include "domain/listings/import_runner.hpp"
#include "domain/listings/listing_export.hpp"
#include "domain/listings/listing_template.hpp"
#include "domain/mail/bounces.hpp"
#include "domain/mail/outbox.hpp"
#include "domain/partners/partner_store.hpp"
#include "domain/partners/partner_territory.hpp"
#include "engine/engine.hpp"
#include "web/http/errors.hpp"
#include "web/partners/partner_access.hpp"

namespace vivrovert::partners {

namespace {

using listings::FieldError;
using listings::FieldSpec;
using listings::FieldType;
using listings::Kind;
using nlohmann::json;
using web::Context;
using web::Response;

constexpr int kPageSize = 100;

std::string Base(const Partner& partner) { return PartnerBase(partner); }

Result<int64_t> ParseId(const std::string& text) {
  std::optional<int64_t> id = ParsePositiveId(text);
  if (!id) return NotFound("Page introuvable.");
  return *id;
}

// Dates on pages, in the French form (JJ/MM/AAAA).
std::string FormatDate(int64_t seconds) {
  return seconds == 0 ? std::string() : FrenchDate(seconds);
}

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

const char* StatusLabel(const std::string& status) {
  if (status == listings::kStatusActive) return "En ligne";
  if (status == listings::kStatusScheduled) return "Programmée";
  if (status == listings::kStatusExpired) return "Expirée";
  return "Retirée";
}

mstch::array KindOptions(const std::string& selected) {
  mstch::array kinds;
  for (Kind kind : listings::kAllKinds) {
    kinds.push_back(mstch::map{{"code", std::string(listings::KindName(kind))},
                               {"label", std::string(listings::KindLabel(kind))},
                               {"selected", selected == listings::KindName(kind)}});
  }
  return kinds;
}

// The inputs of a listing form, generated from the schema.
mstch::array FormFields(Kind kind, const json& values, const std::vector<FieldError>& errors) {
  mstch::array fields;
  for (const FieldSpec* spec : listings::AllFields(kind)) {
    std::string value;
    if (values.contains(spec->name)) value = listings::FieldValueText(*spec, values[spec->name]);
    std::string error;
    for (const FieldError& problem : errors) {
      if (problem.field == spec->name) error = problem.message;
    }
    std::string input_type = "text";
    switch (spec->type) {
      case FieldType::kInteger:
      case FieldType::kNumber:
        input_type = "text";
        break;  // decimal commas welcome
      case FieldType::kDate:
        input_type = "date";
        break;
      case FieldType::kEmail:
        input_type = "email";
        break;
      case FieldType::kUrl:
        input_type = "url";
        break;
      case FieldType::kPhone:
        input_type = "tel";
        break;
      default:
        break;
    }
    mstch::array choices;
    for (const listings::Choice& choice : spec->choices) {
      choices.push_back(mstch::map{{"code", std::string(choice.code)},
                                   {"label", std::string(choice.label)},
                                   {"selected", value == choice.code}});
    }
    const bool is_boolean = spec->type == FieldType::kBoolean;
    if (is_boolean) {
      for (const char* code : {"oui", "non"}) {
        choices.push_back(mstch::map{{"code", std::string(code)},
                                     {"label", std::string(code)},
                                     {"selected", value == code}});
      }
    }
    const bool long_text =
        std::string_view(spec->name) == "description" || std::string_view(spec->name) == "skills";
    fields.push_back(mstch::map{{"name", std::string(spec->name)},
                                {"label", std::string(spec->label)},
                                {"help", std::string(spec->help)},
                                {"required", spec->required},
                                {"value", value},
                                {"error", error},
                                {"input_type", input_type},
                                {"is_choice", !choices.empty()},
                                {"is_textarea", long_text},
                                {"is_input", choices.empty() && !long_text},
                                {"choices", choices}});
  }
  return fields;
}

// The form's fields as the JSON a publisher sends (empty inputs omitted).
json FieldsFromForm(const web::Request& request, Kind kind) {
  json fields = json::object();
  for (const FieldSpec* spec : listings::AllFields(kind)) {
    std::optional<std::string> value = request.Form(spec->name);
    if (value && !Trim(*value).empty()) fields[spec->name] = *value;
  }
  return fields;
}

mstch::array ErrorList(const std::vector<FieldError>& errors, Kind kind) {
  mstch::array list;
  for (const FieldError& error : errors) {
    const FieldSpec* spec = listings::FindField(kind, error.field);
    list.push_back(mstch::map{{"field", spec ? std::string(spec->label) : error.field},
                              {"message", error.message}});
  }
  return list;
}

mstch::map ListingRow(const listings::Listing& listing, const std::string& today,
                      const std::string& base) {
  const std::string status = listing.StatusOn(today);
  return mstch::map{{"id", std::to_string(listing.id)},
                    {"href", base + "/annonces/" + std::to_string(listing.id)},
                    {"title", listing.title},
                    {"kind", std::string(listings::KindLabel(listing.kind))},
                    {"status", status},
                    {"status_label", std::string(StatusLabel(status))},
                    {"commune_code", listing.commune_code},
                    {"precision_approximate", listing.precision != listings::Precision::kExact},
                    {"external_id", listing.external_id.value_or("")},
                    {"updated", FormatDate(listing.updated_at)},
                    {"is_demo", listing.is_demo}};
}

mstch::map ReportData(const listings::ImportRecord& record, const std::string& base) {
  mstch::array rejected;
  int shown = 0;
  if (record.report_json.contains("items")) {
    for (const json& item : record.report_json["items"]) {
      if (!item.contains("errors")) continue;
      for (const json& error : item["errors"]) {
        if (++shown > 500) break;
        // Line 0 is the file as a whole (unreadable, too large): no line to point at.
        const int64_t line = item.value("line", int64_t{0});
        const std::string field = error.value("field", "");
        // The column as the file named it ("Prix"), else the field ("price_eur").
        const std::string column = error.value("column", field);
        rejected.push_back(mstch::map{
            {"line", line > 0 ? std::to_string(line) : std::string("—")},
            {"field",
             line <= 0 && (field.empty() || field == "file") ? std::string("fichier") : column},
            {"message", error.value("message", "")}});
      }
    }
  }
  const std::string outcome = record.outcome;
  return mstch::map{
      {"id", std::to_string(record.id)},
      {"href", base + "/import/" + std::to_string(record.id)},
      {"file_name", record.file_name},
      {"date", FormatDate(record.created_at)},
      {"format", std::string(record.file_format == "csv"              ? "CSV"
                             : record.file_format == "json"           ? "JSON"
                             : record.file_format == "france-travail" ? "JSON France Travail"
                                                                      : "format non reconnu")},
      {"dry_run", record.dry_run},
      {"outcome", outcome},
      {"outcome_label",
       std::string(outcome == "applied"   ? "Importé"
                   : outcome == "dry_run" ? "Essai à blanc (rien n'a été enregistré)"
                                          : "Refusé : rien n'a été enregistré")},
      {"rejected_file", outcome == "rejected"},
      {"rows", std::to_string(record.rows_total)},
      {"created", std::to_string(record.report.created)},
      {"updated", std::to_string(record.report.updated)},
      {"unchanged", std::to_string(record.report.unchanged)},
      {"rejected_count", std::to_string(record.report.rejected)},
      {"has_rejected", !rejected.empty()},
      {"rejected", rejected}};
}

// An SVG map of the territory's 1-km tiles (LAEA metres, north up) with the listings.
std::string TerritorySvg(const engine::GridFile& grid, const engine::Territory& territory,
                         const std::vector<listings::Listing>& listings) {
  const engine::LevelView* level = grid.level(engine::Level::k1km);
  if (level == nullptr || territory.empty()) return {};
  std::vector<uint32_t> tiles = territory.Tiles(*level);
  if (tiles.empty()) return {};
  int32_t min_e = INT32_MAX, min_n = INT32_MAX, max_e = INT32_MIN, max_n = INT32_MIN;
  for (uint32_t tile_idx : tiles) {
    const engine::TileId tile = level->tile(tile_idx);
    min_e = std::min(min_e, tile.east);
    min_n = std::min(min_n, tile.north);
    max_e = std::max(max_e, tile.east + 1000);
    max_n = std::max(max_n, tile.north + 1000);
  }
  const int width_km = (max_e - min_e) / 1000, height_km = (max_n - min_n) / 1000;
  std::ostringstream svg;
  svg << "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"territory-map\" role=\"img\" "
         "viewBox=\"0 0 "
      << width_km << " " << height_km << "\" aria-label=\"Carte des dalles du territoire\">";
  svg << "<g class=\"tiles\">";
  for (uint32_t tile_idx : tiles) {
    const engine::TileId tile = level->tile(tile_idx);
    svg << "<rect x=\"" << (tile.east - min_e) / 1000 << "\" y=\""
        << (max_n - tile.north - 1000) / 1000 << "\" width=\"1\" height=\"1\"><title>"
        << tile.ToString() << "</title></rect>";
  }
  svg << "</g>";
  svg << "<g class=\"listings\">";
  for (const listings::Listing& listing : listings) {
    std::optional<engine::TileId> tile = engine::TileId::Parse(listing.tile_1km);
    if (!tile) continue;
    const double x = (tile->east - min_e) / 1000.0 + 0.5, y = (max_n - tile->north) / 1000.0 - 0.5;
    // Escaped for XML text: the SVG is inserted unescaped into the page.
    const std::string escaped = EscapeXml(listing.title);
    svg << "<circle class=\"listing kind-" << listings::KindName(listing.kind)
        << "\" data-listing-id=\"" << listing.id << "\" cx=\"" << x << "\" cy=\"" << y
        << "\" r=\"0.9\"><title>" << escaped << "</title></circle>";
  }
  svg << "</g></svg>";
  return svg.str();
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

// The staff page; `refused` (when not ok) is a change that was refused, shown above the table
// with the status of its code (409 for the last administrator).
Result<Response> StaffPage(Context& context, storage::Connection& connection, const Access& access,
                           const Status& refused) {
  mstch::array staff;
  for (const StaffMember& member : PartnerStore::Staff(connection, access.partner.id)) {
    staff.push_back(mstch::map{{"email", member.email},
                               {"name", member.display_name},
                               {"role", std::string(StaffRoleLabel(member.role))},
                               {"remove_action", Base(access.partner) + "/equipe/" +
                                                     std::to_string(member.user_id) + "/retrait"}});
  }
  mstch::map data{{"title", "Équipe — " + access.partner.name},
                  {"partner", PartnerData(access)},
                  {"staff", staff}};
  if (!refused.ok()) data["error"] = refused.message();
  Result<Response> page = context.Page("partner_staff", data);
  if (page.ok() && !refused.ok()) page->set_status(web::HttpStatusFor(refused.code()));
  return page;
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

void RegisterPartnerPages(web::App& app, PartnerPagesEnv env) {
  auto shared = std::make_shared<PartnerPagesEnv>(env);
  storage::Database& database = env.database;
  listings::ListingService& service = env.listings;

  app.Get("/partenaire", SignedIn([&database](Context& context) -> Result<Response> {
            storage::Connection connection = database.Acquire();
            std::vector<Partner> partners =
                context.user()->role == "operator"
                    ? PartnerStore::List(connection)
                    : PartnerStore::PartnersOfUser(connection, context.user()->user_id);
            if (partners.size() == 1) return Response::Redirect(Base(partners.front()));
            mstch::array items;
            for (const Partner& partner : partners) {
              items.push_back(mstch::map{{"name", partner.name},
                                         {"href", Base(partner)},
                                         {"kind", std::string(PartnerKindLabel(partner.kind))}});
            }
            return context.Page("partner_index",
                                mstch::map{{"title", std::string("Espace partenaire — VivroVert")},
                                           {"partners", items},
                                           {"empty", partners.empty()}});
          }));

  app.Get(
      "/partenaire/{slug}", SignedIn([&database, &service](Context& context) -> Result<Response> {
        VV_ASSIGN_OR_RETURN(Access access, AccessFor(context, database));
        const web::Request& request = context.request();
        listings::ListingFilter filter;
        filter.partner_id = access.partner.id;
        filter.today = service.Today();
        filter.limit = kPageSize;
        const std::string kind = request.Query("type").value_or("");
        const std::string status = request.Query("statut").value_or("");
        if (!kind.empty()) filter.kind = listings::ParseKind(kind);
        if (status == "active" || status == "scheduled" || status == "expired" ||
            status == "withdrawn") {
          filter.status = status;
        } else {
          filter.include_withdrawn = true;
        }
        if (auto text = request.Query("q"); text && !Trim(*text).empty())
          filter.text = Trim(*text).substr(0, 100);
        if (auto after = request.Query("apres")) {
          if (auto id = ParseId(*after); id.ok()) filter.after_id = *id;
        }
        storage::Connection connection = database.Acquire();
        std::vector<listings::Listing> found = listings::ListingStore::List(connection, filter);
        mstch::array rows;
        for (const listings::Listing& listing : found)
          rows.push_back(ListingRow(listing, filter.today, Base(access.partner)));
        auto counts = listings::ListingStore::Counts(connection, access.partner.id, filter.today);
        mstch::array count_rows;
        int64_t total_active = 0;
        for (Kind each : listings::kAllKinds) {
          auto get = [&](const char* state) {
            auto at = counts.find({listings::KindName(each), state});
            return at == counts.end() ? int64_t{0} : at->second;
          };
          total_active += get("active");
          count_rows.push_back(mstch::map{{"kind", std::string(listings::KindLabel(each))},
                                          {"active", std::to_string(get("active"))},
                                          {"scheduled", std::to_string(get("scheduled"))},
                                          {"expired", std::to_string(get("expired"))},
                                          {"withdrawn", std::to_string(get("withdrawn"))}});
        }
        mstch::array statuses;
        for (const char* code : {"active", "scheduled", "expired", "withdrawn"}) {
          statuses.push_back(mstch::map{{"code", std::string(code)},
                                        {"label", std::string(StatusLabel(code))},
                                        {"selected", status == code}});
        }
        mstch::map data{{"title", access.partner.name + " — espace partenaire"},
                        {"partner", PartnerData(access)},
                        {"listings", rows},
                        {"empty", rows.empty()},
                        {"counts", count_rows},
                        {"total_active", std::to_string(total_active)},
                        {"kinds", KindOptions(kind)},
                        {"statuses", statuses},
                        {"q", request.Query("q").value_or("")},
                        {"next", found.size() == static_cast<size_t>(kPageSize)
                                     ? mstch::node(Base(access.partner) +
                                                   "?apres=" + std::to_string(found.back().id))
                                     : mstch::node(false)}};
        return context.Page("partner_dashboard", std::move(data));
      }));

  auto render_form = [](Context& context, const Access& access, Kind kind, const json& values,
                        const std::vector<FieldError>& errors, std::optional<int64_t> id,
                        int status) {
    const std::string base = Base(access.partner);
    mstch::map data{{"title", std::string(id ? "Modifier l'annonce" : "Nouvelle annonce") + " — " +
                                  access.partner.name},
                    {"partner", PartnerData(access)},
                    {"kind", std::string(listings::KindName(kind))},
                    {"kind_label", std::string(listings::KindLabel(kind))},
                    {"fields", FormFields(kind, values, errors)},
                    {"errors", ErrorList(errors, kind)},
                    {"has_errors", !errors.empty()},
                    {"is_new", !id.has_value()},
                    {"action", id ? base + "/annonces/" + std::to_string(*id) : base + "/annonces"},
                    {"withdraw_action",
                     id ? base + "/annonces/" + std::to_string(*id) + "/retrait" : std::string()},
                    {"listing_form", true}};
    return context.Page("partner_listing_form", std::move(data), status);
  };

  app.Get("/partenaire/{slug}/annonces/nouvelle",
          SignedIn([&database, render_form](Context& context) -> Result<Response> {
            VV_ASSIGN_OR_RETURN(Access access, AccessFor(context, database, /*need_edit=*/true));
            std::optional<Kind> kind =
                listings::ParseKind(context.request().Query("type").value_or(""));
            if (!kind) {
              return context.Page(
                  "partner_listing_kind",
                  mstch::map{{"title", std::string("Nouvelle annonce — ") + access.partner.name},
                             {"partner", PartnerData(access)},
                             {"kinds", KindOptions("")}});
            }
            return render_form(context, access, *kind, json::object(), {}, std::nullopt, 200);
          }));

  app.Post("/partenaire/{slug}/annonces",
           SignedIn([&database, &service, render_form](Context& context) -> Result<Response> {
             VV_ASSIGN_OR_RETURN(Access access, AccessFor(context, database, true));
             std::optional<Kind> kind =
                 listings::ParseKind(context.request().Form("kind").value_or(""));
             if (!kind) return InvalidArgument("Type d'annonce inconnu.", "kind");
             VV_ASSIGN_OR_RETURN(engine::Territory territory, [&]() -> Result<engine::Territory> {
               if (!service.grid())
                 return Unavailable("La grille des dalles n'est pas construite.");
               storage::Connection connection = database.Acquire();
               return ResolveTerritory(connection, *service.grid(), access.partner);
             }());
             json fields = FieldsFromForm(context.request(), *kind);
             std::vector<FieldError> errors;
             auto written =
                 service.Upsert(PublisherFor(access.partner, territory), *kind, fields, &errors);
             if (!written.ok()) {
               if (errors.empty()) return written.status();
               return render_form(context, access, *kind, fields, errors, std::nullopt, 422);
             }
             return Response::Redirect(Base(access.partner) + "/annonces/" +
                                       std::to_string(written->listing.id) + "?fait=1");
           }));

  app.Get("/partenaire/{slug}/annonces/{id}",
          SignedIn([&database, render_form](Context& context) -> Result<Response> {
            VV_ASSIGN_OR_RETURN(Access access, AccessFor(context, database));
            VV_ASSIGN_OR_RETURN(int64_t id, ParseId(context.Param("id")));
            storage::Connection connection = database.Acquire();
            std::optional<listings::Listing> listing = listings::ListingStore::Get(connection, id);
            if (!listing || listing->partner_id != access.partner.id)
              return NotFound("Annonce introuvable.");
            return render_form(context, access, listing->kind, listing->Fields(), {}, id, 200);
          }));

  app.Post("/partenaire/{slug}/annonces/{id}",
           SignedIn([&database, &service, render_form](Context& context) -> Result<Response> {
             VV_ASSIGN_OR_RETURN(Access access, AccessFor(context, database, true));
             VV_ASSIGN_OR_RETURN(int64_t id, ParseId(context.Param("id")));
             if (!service.grid()) return Unavailable("La grille des dalles n'est pas construite.");
             storage::Connection connection = database.Acquire();
             std::optional<listings::Listing> listing = listings::ListingStore::Get(connection, id);
             if (!listing || listing->partner_id != access.partner.id)
               return NotFound("Annonce introuvable.");
             VV_ASSIGN_OR_RETURN(engine::Territory territory,
                                 ResolveTerritory(connection, *service.grid(), access.partner));
             json fields = FieldsFromForm(context.request(), listing->kind);
             std::vector<FieldError> errors;
             auto written =
                 service.Replace(PublisherFor(access.partner, territory), id, fields, &errors);
             if (!written.ok()) {
               if (errors.empty()) return written.status();
               return render_form(context, access, listing->kind, fields, errors, id, 422);
             }
             return Response::Redirect(Base(access.partner) + "?fait=1");
           }));

  app.Post("/partenaire/{slug}/annonces/{id}/retrait",
           SignedIn([&database, &service](Context& context) -> Result<Response> {
             VV_ASSIGN_OR_RETURN(Access access, AccessFor(context, database, true));
             VV_ASSIGN_OR_RETURN(int64_t id, ParseId(context.Param("id")));
             engine::Territory none;
             VV_RETURN_IF_ERROR(service.Withdraw(PublisherFor(access.partner, none), id));
             return Response::Redirect(Base(access.partner));
           }));

  app.Get("/partenaire/{slug}/import", SignedIn([&database](Context& context) -> Result<Response> {
            VV_ASSIGN_OR_RETURN(Access access, AccessFor(context, database));
            storage::Connection connection = database.Acquire();
            mstch::array recent;
            for (const listings::ImportRecord& record :
                 listings::ImportLog::Recent(connection, access.partner.id, 20)) {
              recent.push_back(ReportData(record, Base(access.partner)));
            }
            mstch::array templates;
            for (Kind kind : listings::kAllKinds) {
              templates.push_back(mstch::map{
                  {"label", std::string(listings::KindLabel(kind))},
                  {"href", Base(access.partner) + "/modele/" + listings::KindName(kind) + ".csv"}});
            }
            return context.Page("partner_import", mstch::map{{"title", "Importer des annonces — " +
                                                                           access.partner.name},
                                                             {"partner", PartnerData(access)},
                                                             {"kinds", KindOptions("")},
                                                             {"templates", templates},
                                                             {"recent", recent},
                                                             {"has_recent", !recent.empty()}});
          }));

  app.Post("/partenaire/{slug}/import",
           SignedIn([&database, &service](Context& context) -> Result<Response> {
             VV_ASSIGN_OR_RETURN(Access access, AccessFor(context, database, true));
             const web::Request& request = context.request();
             const web::UploadedFile* file = request.File("file");
             if (file == nullptr || file->bytes.empty())
               return InvalidArgument("Choisissez un fichier à importer.", "file");
             if (!service.grid()) return Unavailable("La grille des dalles n'est pas construite.");
             storage::Connection connection = database.Acquire();
             VV_ASSIGN_OR_RETURN(engine::Territory territory,
                                 ResolveTerritory(connection, *service.grid(), access.partner));
             listings::ImportRequest import;
             import.bytes = file->bytes;
             import.file_name = file->file_name.empty() ? "fichier" : file->file_name;
             const std::string kind = request.Form("kind").value_or("");
             if (!kind.empty()) import.kind = listings::ParseKind(kind);
             import.format = request.Form("format").value_or("auto") == "france-travail"
                                 ? "france-travail"
                                 : "auto";
             import.mode = request.Form("mode").value_or("") == "valid_rows"
                               ? listings::BatchMode::kValidItems
                               : listings::BatchMode::kAllOrNothing;
             import.dry_run = request.Form("dry_run").value_or("") == "1";
             import.user_id = context.user()->user_id;
             listings::ImportResult result =
                 listings::RunImport(service, PublisherFor(access.partner, territory), import);
             return Response::Redirect(Base(access.partner) + "/import/" +
                                       std::to_string(result.record.id));
           }));

  app.Get("/partenaire/{slug}/import/{id}",
          SignedIn([&database](Context& context) -> Result<Response> {
            VV_ASSIGN_OR_RETURN(Access access, AccessFor(context, database));
            VV_ASSIGN_OR_RETURN(int64_t id, ParseId(context.Param("id")));
            storage::Connection connection = database.Acquire();
            auto record = listings::ImportLog::Get(connection, id);
            if (!record || record->partner_id != access.partner.id)
              return NotFound("Import introuvable.");
            return context.Page("partner_import_report",
                                mstch::map{{"title", "Rapport d'import — " + access.partner.name},
                                           {"partner", PartnerData(access)},
                                           {"report", ReportData(*record, Base(access.partner))}});
          }));

  app.Get("/partenaire/{slug}/import/{id}/rapport.csv",
          SignedIn([&database](Context& context) -> Result<Response> {
            VV_ASSIGN_OR_RETURN(Access access, AccessFor(context, database));
            VV_ASSIGN_OR_RETURN(int64_t id, ParseId(context.Param("id")));
            storage::Connection connection = database.Acquire();
            auto record = listings::ImportLog::Get(connection, id);
            if (!record || record->partner_id != access.partner.id)
              return NotFound("Import introuvable.");
            std::string csv = "\xEF\xBB\xBFligne;reference;colonne;champ;motif\r\n";
            for (const json& item : record->report_json.value("items", json::array())) {
              for (const json& error : item.value("errors", json::array())) {
                auto cell = [](const std::string& text) {
                  std::string quoted = "\"";
                  for (char c : listings::ProtectCell(text))
                    quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
                  return quoted + "\"";
                };
                csv += std::to_string(item.value("line", 0)) + ";" +
                       cell(item.value("external_id", "")) + ";" +
                       cell(error.value("column", error.value("field", ""))) + ";" +
                       cell(error.value("field", "")) + ";" + cell(error.value("message", "")) +
                       "\r\n";
              }
            }
            return Response::Attachment(std::move(csv), "text/csv; charset=utf-8",
                                        "rapport-import-" + std::to_string(id) + ".csv");
          }));

  app.Get("/partenaire/{slug}/modele/{file}",
          SignedIn([&database](Context& context) -> Result<Response> {
            VV_ASSIGN_OR_RETURN(Access access, AccessFor(context, database));
            std::string file = context.Param("file");
            if (file.size() < 5 || file.substr(file.size() - 4) != ".csv")
              return NotFound("Modèle introuvable.");
            std::optional<Kind> kind = listings::ParseKind(file.substr(0, file.size() - 4));
            if (!kind) return NotFound("Modèle introuvable.");
            return Response::Attachment(listings::CsvTemplate(*kind), "text/csv; charset=utf-8",
                                        listings::TemplateFileName(*kind));
          }));

  app.Get("/partenaire/{slug}/{export}",
          SignedIn([&database, &service](Context& context) -> Result<Response> {
            const std::string name = context.Param("export");
            if (name != "export.csv" && name != "export.xlsx") return NotFound("Page introuvable.");
            VV_ASSIGN_OR_RETURN(Access access, AccessFor(context, database));
            listings::ListingFilter filter;
            filter.partner_id = access.partner.id;
            filter.today = service.Today();
            filter.include_withdrawn = true;
            filter.limit = 100000;
            storage::Connection connection = database.Acquire();
            std::vector<listings::Listing> all = listings::ListingStore::List(connection, filter);
            const std::string stem = "annonces-" + access.partner.slug + "-" + filter.today;
            if (name == "export.csv") {
              return Response::Attachment(listings::ExportCsv(all, filter.today),
                                          "text/csv; charset=utf-8", stem + ".csv");
            }
            VV_ASSIGN_OR_RETURN(std::string xlsx, listings::ExportXlsx(all, filter.today));
            return Response::Attachment(
                std::move(xlsx),
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                stem + ".xlsx");
          }));

  app.Get("/partenaire/{slug}/cles", SignedIn([&database](Context& context) -> Result<Response> {
            VV_ASSIGN_OR_RETURN(Access access, AccessFor(context, database, false, true));
            storage::Connection connection = database.Acquire();
            mstch::array keys;
            for (const ApiKey& key : PartnerStore::ApiKeys(connection, access.partner.id)) {
              keys.push_back(mstch::map{
                  {"id", std::to_string(key.id)},
                  {"prefix", key.prefix},
                  {"label", key.label},
                  {"scope", std::string(key.scope == "write" ? "lecture et écriture" : "lecture")},
                  {"created", FormatDate(key.created_at)},
                  {"last_used",
                   key.last_used_at ? FormatDate(*key.last_used_at) : std::string("jamais")},
                  {"revoked", key.revoked_at.has_value()},
                  {"revoke_action",
                   Base(access.partner) + "/cles/" + std::to_string(key.id) + "/revocation"}});
            }
            return context.Page("partner_keys",
                                mstch::map{{"title", "Clés d'API — " + access.partner.name},
                                           {"partner", PartnerData(access)},
                                           {"keys", keys},
                                           {"has_keys", !keys.empty()}});
          }));

  app.Post("/partenaire/{slug}/cles",
           SignedIn([&database, shared](Context& context) -> Result<Response> {
             VV_ASSIGN_OR_RETURN(Access access, AccessFor(context, database, false, true));
             const std::string scope =
                 context.request().Form("scope").value_or("read") == "write" ? "write" : "read";
             std::string label = Trim(context.request().Form("label").value_or(""));
             if (label.size() > 100 || !IsValidUtf8(label))
               return InvalidArgument("Libellé trop long.", "label");
             storage::Connection connection = database.Acquire();
             PartnerStore::NewKey created =
                 PartnerStore::CreateApiKey(connection, shared->random, access.partner.id, scope,
                                            label, context.user()->user_id, shared->listings.Now());
             // The key is shown once, on this answer, never stored in clear.
             Result<Response> page =
                 context.Page("partner_key_created",
                              mstch::map{{"title", "Nouvelle clé d'API — " + access.partner.name},
                                         {"partner", PartnerData(access)},
                                         {"secret", created.secret},
                                         {"label", label},
                                         {"scope", scope}});
             if (page.ok()) page->SetHeader("Cache-Control", "no-store");
             return page;
           }));

  app.Post("/partenaire/{slug}/cles/{id}/revocation",
           SignedIn([&database, &service](Context& context) -> Result<Response> {
             VV_ASSIGN_OR_RETURN(Access access, AccessFor(context, database, false, true));
             VV_ASSIGN_OR_RETURN(int64_t id, ParseId(context.Param("id")));
             storage::Connection connection = database.Acquire();
             if (!PartnerStore::RevokeApiKey(connection, access.partner.id, id, service.Now())) {
               return NotFound("Clé introuvable ou déjà révoquée.");
             }
             return Response::Redirect(Base(access.partner) + "/cles");
           }));

  app.Get("/partenaire/{slug}/equipe", SignedIn([&database](Context& context) -> Result<Response> {
            VV_ASSIGN_OR_RETURN(Access access, AccessFor(context, database));
            storage::Connection connection = database.Acquire();
            return StaffPage(context, connection, access, Status::Ok());
          }));

  app.Post("/partenaire/{slug}/equipe",
           SignedIn([&database, shared](Context& context) -> Result<Response> {
             VV_ASSIGN_OR_RETURN(Access access, AccessFor(context, database, false, true));
             const web::Request& request = context.request();
             std::optional<StaffRole> role = ParseStaffRole(request.Form("role").value_or(""));
             if (!role) return InvalidArgument("Rôle inconnu.", "role");
             std::string name = request.Form("display_name").value_or("");
             if (Trim(name).empty()) name = "Équipe " + access.partner.name;
             // The answer is the same whether or not the address has an account, and
             // whichever kind: a personal account is silently left out.
             VV_ASSIGN_OR_RETURN(std::optional<accounts::User> user,
                                 shared->accounts.InviteStaff(request.Form("email").value_or(""),
                                                              name.substr(0, 100)));
             storage::Connection connection = database.Acquire();
             Status changed;
             if (user) {
               storage::Transaction transaction(connection);
               changed = PartnerStore::SetStaff(connection, access.partner.id, user->id, *role,
                                                shared->listings.Now());
               if (changed.ok()) transaction.Commit();
             }
             if (shared->mail_queued) shared->mail_queued();
             if (!changed.ok()) return StaffPage(context, connection, access, changed);
             return Response::Redirect(Base(access.partner) + "/equipe");
           }));

  app.Post("/partenaire/{slug}/equipe/{user}/retrait",
           SignedIn([&database](Context& context) -> Result<Response> {
             VV_ASSIGN_OR_RETURN(Access access, AccessFor(context, database, false, true));
             VV_ASSIGN_OR_RETURN(int64_t user_id, ParseId(context.Param("user")));
             storage::Connection connection = database.Acquire();
             Status removed;
             {
               storage::Transaction transaction(connection);
               removed = PartnerStore::RemoveStaff(connection, access.partner.id, user_id);
               if (removed.ok()) transaction.Commit();
             }
             if (removed.code() == StatusCode::kFailedPrecondition)
               return StaffPage(context, connection, access, removed);
             VV_RETURN_IF_ERROR(removed);
             return Response::Redirect(Base(access.partner) + "/equipe");
           }));

  app.Get("/partenaire/{slug}/carte",
          SignedIn([&database, &service](Context& context) -> Result<Response> {
            VV_ASSIGN_OR_RETURN(Access access, AccessFor(context, database));
            if (!service.grid()) return Unavailable("La grille des dalles n'est pas construite.");
            storage::Connection connection = database.Acquire();
            VV_ASSIGN_OR_RETURN(engine::Territory territory,
                                ResolveTerritory(connection, *service.grid(), access.partner));
            listings::ListingFilter filter;
            filter.partner_id = access.partner.id;
            filter.status = listings::kStatusActive;
            filter.today = service.Today();
            filter.limit = 5000;
            std::vector<listings::Listing> active =
                listings::ListingStore::List(connection, filter);
            mstch::array rows;
            for (const listings::Listing& listing : active)
              rows.push_back(ListingRow(listing, filter.today, Base(access.partner)));
            const engine::LevelView* level = service.grid()->level(engine::Level::k1km);
            const size_t tile_count = level ? territory.Tiles(*level).size() : 0;
            return context.Page(
                "partner_map", mstch::map{{"title", "Carte du territoire — " + access.partner.name},
                                          {"partner", PartnerData(access)},
                                          {"svg", TerritorySvg(*service.grid(), territory, active)},
                                          {"tiles", std::to_string(tile_count)},
                                          {"communes", std::to_string(territory.communes().size())},
                                          {"listings", rows},
                                          {"listing_count", std::to_string(active.size())}});
          }));

  // The operator's console: every route below is declared for operators only.
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
    mstch::array options;
    for (const char* option : kOptionNames) {
      const bool checked =
          std::find(input.options.begin(), input.options.end(), option) != input.options.end();
      const std::string label = std::string_view(option) == "barometer" ? "Baromètre d'attractivité"
                                : std::string_view(option) == "territory_site"
                                    ? "Plateforme du territoire"
                                    : "Alertes compétences";
      options.push_back(
          mstch::map{{"code", std::string(option)}, {"label", label}, {"checked", checked}});
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
        {"action", partner ? "/operateur/partenaires/" + std::to_string(partner->id)
                           : "/operateur/partenaires"},
        {"back_office", partner ? Base(*partner) : std::string()},
        {"name", input.name},
        {"slug", input.slug},
        {"kinds", kinds},
        {"options", options},
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
    input.options = request.FormAll("options");
    input.territory =
        CodesFromText(request.Form("communes").value_or(""), request.Form("epcis").value_or(""),
                      request.Form("departements").value_or(""));
    for (const std::string& member : request.FormAll("members")) {
      if (auto id = ParseId(member); id.ok()) input.member_ids.push_back(*id);
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
        for (const Partner& partner : PartnerStore::List(connection)) {
          auto counts = listings::ListingStore::Counts(connection, partner.id, service.Today());
          int64_t active = 0;
          for (const auto& [key, count] : counts) active += key.second == "active" ? count : 0;
          partners.push_back(
              mstch::map{{"name", partner.name},
                         {"kind", std::string(PartnerKindLabel(partner.kind))},
                         {"edit", "/operateur/partenaires/" + std::to_string(partner.id)},
                         {"back_office", Base(partner)},
                         {"active", std::to_string(active)},
                         {"is_demo", partner.is_demo}});
        }
        mstch::array imports;
        for (const listings::ImportRecord& record :
             listings::ImportLog::Recent(connection, std::nullopt, 20)) {
          std::optional<Partner> owner =
              record.partner_id ? PartnerStore::Get(connection, *record.partner_id) : std::nullopt;
          mstch::map row = ReportData(record, owner ? Base(*owner) : std::string("/operateur"));
          row["partner"] = owner ? owner->name : record.source_key;
          imports.push_back(row);
        }
        listings::ListingFilter filter;
        filter.today = service.Today();
        filter.limit = 50;
        filter.status = listings::kStatusActive;
        if (auto after = context.request().Query("apres")) {
          if (auto id = ParseId(*after); id.ok()) filter.after_id = *id;
        }
        mstch::array rows;
        for (const listings::Listing& listing : listings::ListingStore::List(connection, filter)) {
          std::optional<Partner> owner = listing.partner_id
                                             ? PartnerStore::Get(connection, *listing.partner_id)
                                             : std::nullopt;
          mstch::map row =
              ListingRow(listing, filter.today, owner ? Base(*owner) : std::string("/operateur"));
          row["source"] = owner ? owner->name : listing.source_key;
          rows.push_back(row);
        }
        mstch::map mail = MailSection(connection, shared_app.clock().NowSeconds());
        mstch::map audience =
            AudienceSection(connection, shared_app.clock().NowSeconds(), shared->audience_day);
        if (auto address = context.request().Query("reactive")) {
          mail["reactivated"] = mstch::map{{"address", *address}};
        }
        return context.Page("operator_console",
                            mstch::map{{"title", std::string("Console opérateur — VivroVert")},
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
            VV_ASSIGN_OR_RETURN(int64_t id, ParseId(context.Param("id")));
            storage::Connection connection = database.Acquire();
            std::optional<Partner> partner = PartnerStore::Get(connection, id);
            if (!partner) return NotFound("Partenaire introuvable.");
            PartnerInput input{partner->kind,    partner->name,      partner->slug,
                               partner->options, partner->territory, partner->member_ids,
                               partner->is_demo};
            return partner_form(context, partner, input, partner->lead_report_frequency,
                                PartnerStore::List(connection), Status::Ok(), 200);
          },
          {.access = web::Access::kOperator});

  app.Post("/operateur/partenaires/{id}",
           [&database, &service, partner_form, input_from_form, check_codes, frequency_from_form,
            territory_changed](Context& context) -> Result<Response> {
             VV_ASSIGN_OR_RETURN(int64_t id, ParseId(context.Param("id")));
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
