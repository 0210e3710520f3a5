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
#include "domain/subscriptions/subscriptions.hpp"
#include "engine/engine.hpp"
#include "web/http/errors.hpp"
#include "web/partners/page_parts.hpp"
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
        // Typed as JJ/MM/AAAA whatever the browser's language (NormaliseField reads it).
        value = FrenchDay(value);
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
                                {"is_date", spec->type == FieldType::kDate},
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

}  // namespace

// The back-office's pages of the base service: listings, imports, exports, the map and API
// keys need a subscription in force (the team page does not: a partner without one can still
// manage who may sign in).
constexpr subscriptions::ProductCode kBaseService = subscriptions::ProductCode::kBase;

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
      "/partenaire/{slug}",
      Entitled(
          database, kBaseService,
          [&database, &service, shared](Context& context) -> Result<Response> {
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
              if (auto id = ParsePageId(*after); id.ok()) filter.after_id = *id;
            }
            storage::Connection connection = database.Acquire();
            std::vector<listings::Listing> found = listings::ListingStore::List(connection, filter);
            mstch::array rows;
            for (const listings::Listing& listing : found)
              rows.push_back(
                  ListingRow(listing, filter.today, Base(access.partner), shared->labels));
            auto counts =
                listings::ListingStore::Counts(connection, access.partner.id, filter.today);
            mstch::array count_rows;
            int64_t total_active = 0, total_scheduled = 0, total_expired = 0, total_withdrawn = 0;
            for (Kind each : listings::kAllKinds) {
              auto get = [&](const char* state) {
                auto at = counts.find({listings::KindName(each), state});
                return at == counts.end() ? int64_t{0} : at->second;
              };
              total_active += get("active");
              total_scheduled += get("scheduled");
              total_expired += get("expired");
              total_withdrawn += get("withdrawn");
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
                            {"total_active", display::Labels::Integer(total_active)},
                            {"total_scheduled", display::Labels::Integer(total_scheduled)},
                            {"total_expired", display::Labels::Integer(total_expired)},
                            {"total_withdrawn", display::Labels::Integer(total_withdrawn)},
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

  app.Get(
      "/partenaire/{slug}/annonces/nouvelle",
      Entitled(
          database, kBaseService, [&database, render_form](Context& context) -> Result<Response> {
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
           Entitled(database, kBaseService,
                    [&database, &service, render_form](Context& context) -> Result<Response> {
                      VV_ASSIGN_OR_RETURN(Access access, AccessFor(context, database, true));
                      std::optional<Kind> kind =
                          listings::ParseKind(context.request().Form("kind").value_or(""));
                      if (!kind) return InvalidArgument("Type d'annonce inconnu.", "kind");
                      VV_ASSIGN_OR_RETURN(
                          engine::Territory territory, [&]() -> Result<engine::Territory> {
                            if (!service.grid())
                              return Unavailable("La grille des dalles n'est pas construite.");
                            storage::Connection connection = database.Acquire();
                            return ResolveTerritory(connection, *service.grid(), access.partner);
                          }());
                      json fields = FieldsFromForm(context.request(), *kind);
                      std::vector<FieldError> errors;
                      auto written = service.Upsert(PublisherFor(access.partner, territory), *kind,
                                                    fields, &errors);
                      if (!written.ok()) {
                        if (errors.empty()) return written.status();
                        return render_form(context, access, *kind, fields, errors, std::nullopt,
                                           422);
                      }
                      return Response::Redirect(Base(access.partner) + "/annonces/" +
                                                std::to_string(written->listing.id) + "?fait=1");
                    }));

  app.Get(
      "/partenaire/{slug}/annonces/{id}",
      Entitled(
          database, kBaseService, [&database, render_form](Context& context) -> Result<Response> {
            VV_ASSIGN_OR_RETURN(Access access, AccessFor(context, database));
            VV_ASSIGN_OR_RETURN(int64_t id, ParsePageId(context.Param("id")));
            storage::Connection connection = database.Acquire();
            std::optional<listings::Listing> listing = listings::ListingStore::Get(connection, id);
            if (!listing || listing->partner_id != access.partner.id)
              return NotFound("Annonce introuvable.");
            return render_form(context, access, listing->kind, listing->Fields(), {}, id, 200);
          }));

  app.Post(
      "/partenaire/{slug}/annonces/{id}",
      Entitled(database, kBaseService,
               [&database, &service, render_form](Context& context) -> Result<Response> {
                 VV_ASSIGN_OR_RETURN(Access access, AccessFor(context, database, true));
                 VV_ASSIGN_OR_RETURN(int64_t id, ParsePageId(context.Param("id")));
                 if (!service.grid())
                   return Unavailable("La grille des dalles n'est pas construite.");
                 storage::Connection connection = database.Acquire();
                 std::optional<listings::Listing> listing =
                     listings::ListingStore::Get(connection, id);
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

  app.Post(
      "/partenaire/{slug}/annonces/{id}/retrait",
      Entitled(database, kBaseService, [&database, &service](Context& context) -> Result<Response> {
        VV_ASSIGN_OR_RETURN(Access access, AccessFor(context, database, true));
        VV_ASSIGN_OR_RETURN(int64_t id, ParsePageId(context.Param("id")));
        engine::Territory none;
        VV_RETURN_IF_ERROR(service.Withdraw(PublisherFor(access.partner, none), id));
        return Response::Redirect(Base(access.partner));
      }));

  app.Get("/partenaire/{slug}/import",
          Entitled(database, kBaseService, [&database](Context& context) -> Result<Response> {
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

  app.Post(
      "/partenaire/{slug}/import",
      Entitled(database, kBaseService, [&database, &service](Context& context) -> Result<Response> {
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
        import.format =
            request.Form("format").value_or("auto") == "france-travail" ? "france-travail" : "auto";
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
          Entitled(database, kBaseService, [&database](Context& context) -> Result<Response> {
            VV_ASSIGN_OR_RETURN(Access access, AccessFor(context, database));
            VV_ASSIGN_OR_RETURN(int64_t id, ParsePageId(context.Param("id")));
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
          Entitled(database, kBaseService, [&database](Context& context) -> Result<Response> {
            VV_ASSIGN_OR_RETURN(Access access, AccessFor(context, database));
            VV_ASSIGN_OR_RETURN(int64_t id, ParsePageId(context.Param("id")));
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
          Entitled(database, kBaseService, [&database](Context& context) -> Result<Response> {
            VV_ASSIGN_OR_RETURN(Access access, AccessFor(context, database));
            std::string file = context.Param("file");
            if (file.size() < 5 || file.substr(file.size() - 4) != ".csv")
              return NotFound("Modèle introuvable.");
            std::optional<Kind> kind = listings::ParseKind(file.substr(0, file.size() - 4));
            if (!kind) return NotFound("Modèle introuvable.");
            return Response::Attachment(listings::CsvTemplate(*kind), "text/csv; charset=utf-8",
                                        listings::TemplateFileName(*kind));
          }));

  app.Get(
      "/partenaire/{slug}/{export}",
      Entitled(database, kBaseService, [&database, &service](Context& context) -> Result<Response> {
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
            std::move(xlsx), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            stem + ".xlsx");
      }));

  app.Get("/partenaire/{slug}/cles",
          Entitled(database, kBaseService, [&database](Context& context) -> Result<Response> {
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

  app.Post(
      "/partenaire/{slug}/cles",
      Entitled(database, kBaseService, [&database, shared](Context& context) -> Result<Response> {
        VV_ASSIGN_OR_RETURN(Access access, AccessFor(context, database, false, true));
        const std::string scope =
            context.request().Form("scope").value_or("read") == "write" ? "write" : "read";
        std::string label = Trim(context.request().Form("label").value_or(""));
        if (label.size() > 100 || !IsValidUtf8(label))
          return InvalidArgument("Libellé trop long.", "label");
        storage::Connection connection = database.Acquire();
        PartnerStore::NewKey created =
            PartnerStore::CreateApiKey(connection, shared->random, access.partner.id, scope, label,
                                       context.user()->user_id, shared->listings.Now());
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

  app.Post(
      "/partenaire/{slug}/cles/{id}/revocation",
      Entitled(database, kBaseService, [&database, &service](Context& context) -> Result<Response> {
        VV_ASSIGN_OR_RETURN(Access access, AccessFor(context, database, false, true));
        VV_ASSIGN_OR_RETURN(int64_t id, ParsePageId(context.Param("id")));
        storage::Connection connection = database.Acquire();
        if (!PartnerStore::RevokeApiKey(connection, access.partner.id, id, service.Now())) {
          return NotFound("Clé introuvable ou déjà révoquée.");
        }
        return Response::Redirect(Base(access.partner) + "/cles");
      }));

  // What the partner bought and what it could: every product, in force or not, with its
  // dates, or what it offers, its price and how to ask for it.
  app.Get("/partenaire/{slug}/abonnement",
          SignedIn([&database](Context& context) -> Result<Response> {
            VV_ASSIGN_OR_RETURN(Access access, AccessFor(context, database));
            storage::Connection connection = database.Acquire();
            const std::vector<subscriptions::Subscription> held =
                subscriptions::SubscriptionStore::SubscriptionsOf(connection, access.partner.id);
            mstch::array products;
            for (subscriptions::ProductCode product : subscriptions::kProducts) {
              mstch::array periods;
              for (const subscriptions::Subscription& subscription : held) {
                if (subscription.product != product) continue;
                periods.push_back(mstch::map{{"from", subscription.start_date},
                                             {"to", subscription.end_date},
                                             {"in_force", subscription.InForceOn(access.today)},
                                             {"demo", subscription.is_demo},
                                             {"ended_early", subscription.ended_at.has_value()}});
              }
              const subscriptions::MissingProduct about =
                  subscriptions::DescribeMissing(product, access.partner.kind);
              products.push_back(mstch::map{{"label", about.label},
                                            {"pitch", about.pitch},
                                            {"price", about.price_text},
                                            {"quote_path", about.quote_path},
                                            {"active", access.entitlements.Has(product)},
                                            {"periods", periods},
                                            {"has_periods", !periods.empty()}});
            }
            return context.Page("partner_subscription",
                                mstch::map{{"title", "Abonnement — " + access.partner.name},
                                           {"partner", PartnerData(access)},
                                           {"today", access.today},
                                           {"products", products}});
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
             VV_ASSIGN_OR_RETURN(int64_t user_id, ParsePageId(context.Param("user")));
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
          Entitled(database, kBaseService,
                   [&database, &service, shared](Context& context) -> Result<Response> {
                     VV_ASSIGN_OR_RETURN(Access access, AccessFor(context, database));
                     if (!service.grid())
                       return Unavailable("La grille des dalles n'est pas construite.");
                     storage::Connection connection = database.Acquire();
                     VV_ASSIGN_OR_RETURN(
                         engine::Territory territory,
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
                       rows.push_back(
                           ListingRow(listing, filter.today, Base(access.partner), shared->labels));
                     const engine::LevelView* level = service.grid()->level(engine::Level::k1km);
                     const size_t tile_count = level ? territory.Tiles(*level).size() : 0;
                     return context.Page(
                         "partner_map",
                         mstch::map{{"title", "Carte du territoire — " + access.partner.name},
                                    {"partner", PartnerData(access)},
                                    {"svg", TerritorySvg(*service.grid(), territory, active)},
                                    {"tiles", std::to_string(tile_count)},
                                    {"communes", std::to_string(territory.communes().size())},
                                    {"listings", rows},
                                    {"listing_count", std::to_string(active.size())}});
                   }));
}

}  // namespace vivrovert::partners
