#include "web/relocation/relocation_pages.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <mstch/mstch.hpp>
#include <nlohmann/json.hpp>

#include "core/common/text.hpp"
#include "domain/accounts/user_store.hpp"
#include "domain/interests/interest_store.hpp"
#include "domain/listings/placement.hpp"
#include "domain/partners/partner_territory.hpp"
#include "domain/relocation/relocation_mail.hpp"
#include "domain/relocation/relocation_store.hpp"
#include "domain/relocation/team_answer.hpp"
#include "web/partners/partner_access.hpp"

namespace vivrovert::relocation {

namespace {

using nlohmann::json;
using web::Context;
using web::Response;

constexpr size_t kShownTiles = 20;   // best tiles listed on the employer's page
constexpr size_t kMemberTiles = 10;  // a member's own best tiles
constexpr size_t kMaxInvitesAtOnce = 64;
constexpr size_t kMapTiles = 5000;  // tiles drawn on the employer's map, the best first

Status NoGrid() {
  return Unavailable(
      "Les projets d'installation ont besoin de la grille des dalles, pas encore "
      "construite.");
}

// "12,5": French decimal comma, at most 2 decimals, no trailing zeros.
std::string Number(double value) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.2f", value);
  std::string text = buffer;
  while (!text.empty() && text.back() == '0') text.pop_back();
  if (!text.empty() && text.back() == '.') text.pop_back();
  std::replace(text.begin(), text.end(), '.', ',');
  return text;
}

std::string CommuneLabel(const engine::GridFile& grid, const std::string& code) {
  std::optional<uint32_t> index = grid.FindCommune(code);
  if (!index) return code;
  return grid.communes()[*index].name + " (" + code + ")";
}

// The communes of a tile, largest share first: "Cahors (46042), Pradines (46224)".
std::string TileCommunes(const engine::GridFile& grid, const engine::LevelView& level,
                         uint32_t tile) {
  std::string text;
  auto [begin, end] = level.communes(tile);
  for (const engine::CommuneShare* share = begin; share != end; ++share) {
    const engine::CommuneRef& commune = grid.communes()[share->commune];
    text += (text.empty() ? "" : ", ") + commune.name + " (" + commune.code + ")";
  }
  return text;
}

// A member's request in words, for the member and (only if shared) the employer.
mstch::array DescribeAnswer(const engine::GridFile& grid, const engine::SearchRequest& request) {
  mstch::array lines;
  for (const engine::Constraint& constraint : request.constraints) {
    const engine::CriterionSpec& spec = grid.catalogue().criteria()[constraint.criterion];
    std::string line = spec.label;
    const std::string unit = spec.unit.empty() ? "" : " " + spec.unit;
    if (constraint.min && constraint.max) {
      line += " entre " + Number(*constraint.min) + " et " + Number(*constraint.max) + unit;
    } else if (constraint.min) {
      line += " au moins " + Number(*constraint.min) + unit;
    } else if (constraint.max) {
      line += " au plus " + Number(*constraint.max) + unit;
    }
    line += constraint.importance == engine::Importance::kRequired
                ? " (exigé)"
                : " (souhaité, poids " + std::to_string(constraint.weight) + ")";
    lines.push_back(mstch::map{{"text", line}});
  }
  for (const engine::PlaceConstraint& place : request.places) {
    std::string line =
        "À " + Number(place.max_km) + " km au plus (à vol d'oiseau) de « " + place.name + " »";
    line += place.importance == engine::Importance::kRequired ? " (exigé)" : " (souhaité)";
    lines.push_back(mstch::map{{"text", line}});
  }
  return lines;
}

// The best tiles as an inline SVG map (EPSG:3035, north up): each tile a square, the
// darker the more members it suits; the new site's tile outlined. Only numbers go into it.
std::string TeamMapSvg(const engine::LevelView& level, const std::vector<engine::GroupTile>& tiles,
                       size_t answered, std::optional<engine::TileId> site) {
  if (tiles.empty() || answered == 0) return {};
  const double cell = engine::CellSizeMetres(level.level());
  double min_east = 1e12, max_east = -1e12, min_north = 1e12, max_north = -1e12;
  auto extend = [&](const engine::TileId& id) {
    min_east = std::min(min_east, static_cast<double>(id.east));
    max_east = std::max(max_east, id.east + cell);
    min_north = std::min(min_north, static_cast<double>(id.north));
    max_north = std::max(max_north, id.north + cell);
  };
  for (const engine::GroupTile& tile : tiles) extend(level.tile(tile.tile));
  if (site) extend(*site);
  constexpr double kWidth = 640, kMaxHeight = 640;
  const double span_east = max_east - min_east, span_north = max_north - min_north;
  const double scale = std::min(kWidth / span_east, kMaxHeight / span_north);
  const double width = span_east * scale, height = span_north * scale;
  const double side = std::max(cell * scale, 1.0);
  std::string svg;
  char buffer[200];
  std::snprintf(buffer, sizeof buffer,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"team-map\" viewBox=\"0 0 %.1f "
                "%.1f\" role=\"img\" aria-labelledby=\"team-map-title\">",
                width, height);
  svg += buffer;
  svg +=
      "<title id=\"team-map-title\">Carte des meilleures dalles : plus la dalle est foncée, "
      "plus elle convient à de membres</title>";
  for (const engine::GroupTile& tile : tiles) {
    const engine::TileId id = level.tile(tile.tile);
    std::snprintf(buffer, sizeof buffer,
                  "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#2f6b3a\" "
                  "fill-opacity=\"%.2f\"/>",
                  (id.east - min_east) * scale, (max_north - id.north - cell) * scale, side, side,
                  0.15 + 0.85 * tile.members_suited / static_cast<double>(answered));
    svg += buffer;
  }
  if (site) {
    std::snprintf(buffer, sizeof buffer,
                  "<rect class=\"site\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
                  "fill=\"none\" stroke=\"#b3261e\" stroke-width=\"2\"/>",
                  (site->east - min_east) * scale, (max_north - site->north - cell) * scale,
                  std::max(side, 4.0), std::max(side, 4.0));
    svg += buffer;
  }
  svg += "</svg>";
  return svg;
}

json AnswerJson(const engine::GridFile& grid, const engine::SearchRequest& request) {
  return engine::SearchRequestToJson(request, grid);
}

struct EmployerAccess {
  Employer employer;
  EmployerRole role = EmployerRole::kViewer;
  bool operator_access = false;
  bool can_administer() const { return operator_access || role == EmployerRole::kAdmin; }
};

Result<int64_t> IdParam(const Context& context, std::string_view name) {
  std::optional<int64_t> id = ParsePositiveId(context.Param(name));
  if (!id) return NotFound("Page introuvable.");
  return *id;
}

// The route's {id} employer and the signed-in person's role there; NotFound for anyone
// else (the employer's existence is not revealed). Operators act as administrators.
Result<EmployerAccess> AccessFor(const Context& context, storage::Connection& connection,
                                 bool need_admin = false) {
  VV_ASSIGN_OR_RETURN(int64_t id, IdParam(context, "id"));
  std::optional<Employer> employer = EmployerStore::Get(connection, id);
  if (!employer) return NotFound("Entreprise introuvable.");
  EmployerAccess access{*employer};
  if (context.user()->role == "operator") {
    access.operator_access = true;
    access.role = EmployerRole::kAdmin;
  } else {
    std::optional<EmployerRole> role =
        EmployerStore::RoleOf(connection, id, context.user()->user_id);
    if (!role) return NotFound("Entreprise introuvable.");
    access.role = *role;
  }
  if (need_admin && !access.can_administer())
    return PermissionDenied("Réservé aux administrateurs de l'entreprise.");
  return access;
}

Result<Project> ProjectFor(const Context& context, storage::Connection& connection,
                           const EmployerAccess& access) {
  VV_ASSIGN_OR_RETURN(int64_t id, IdParam(context, "project"));
  std::optional<Project> project = ProjectStore::Get(connection, id);
  if (!project || project->employer_id != access.employer.id)
    return NotFound("Projet introuvable.");
  return *project;
}

std::string EmployerBase(const Employer& employer) {
  return "/entreprise/" + std::to_string(employer.id);
}
std::string ProjectBase(const Project& project) {
  return "/entreprise/" + std::to_string(project.employer_id) + "/projets/" +
         std::to_string(project.id);
}

mstch::map EmployerData(const EmployerAccess& access) {
  return mstch::map{{"name", access.employer.name},
                    {"siret", access.employer.siret},
                    {"base", EmployerBase(access.employer)},
                    {"role_label", std::string(EmployerRoleLabel(access.role))},
                    {"can_administer", access.can_administer()}};
}

mstch::map ProjectData(const engine::GridFile* grid, const Project& project) {
  return mstch::map{
      {"id", std::to_string(project.id)},
      {"name", project.name},
      {"site", grid ? CommuneLabel(*grid, project.commune_code) : project.commune_code},
      {"address", project.address},
      {"has_address", !project.address.empty()},
      {"share_with_partners", project.share_with_partners},
      {"base", ProjectBase(project)},
      {"member_base", "/entreprise/membre/" + std::to_string(project.id)},
      {"created", FrenchDate(project.created_at)}};
}

const char* MemberStatus(const Member& member) {
  if (member.answered_at) return "a répondu";
  if (member.joined_at) return "a rejoint le projet";
  return "invité";
}

// The team's answer as the employer may see it: aggregates, and the answers of the
// members who chose to share theirs. `page` and `body` receive the same facts.
void TeamAnswerFor(const engine::SearchBackend& search, const Project& project,
                   const std::vector<Member>& members, mstch::map& page, json& body) {
  const engine::GridFile& grid = *search.grid;
  const ParsedAnswers parsed = ParseAnswers(grid, members);
  const size_t answered = parsed.requests.size();
  page["answered"] = std::to_string(answered);
  page["invited"] = std::to_string(members.size());
  page["min_answers"] = std::to_string(kMinAnswersShown);
  body["members"] = {
      {"invited", members.size()}, {"answered", answered}, {"unreadable", parsed.unreadable}};
  // Shared answers, whoever else answered.
  mstch::array shared;
  json shared_json = json::array();
  for (size_t index = 0; index < parsed.members.size(); ++index) {
    const Member& member = parsed.members[index];
    if (!member.share_answers) continue;
    shared.push_back(mstch::map{{"email", member.email},
                                {"lines", DescribeAnswer(grid, parsed.requests[index])}});
    shared_json.push_back(
        {{"email", member.email}, {"request", AnswerJson(grid, parsed.requests[index])}});
  }
  page["shared"] = shared;
  page["has_shared"] = !shared.empty();
  body["shared_answers"] = shared_json;
  if (answered < kMinAnswersShown) {
    page["has_answer"] = false;
    body["answer"] = nullptr;
    return;
  }
  const TeamAnswer answer =
      ComputeTeamAnswer(*search.engine, parsed.requests, kBestTiles, kMapTiles);
  const engine::LevelView& level = *grid.level(parsed.requests.front().level);
  Result<std::optional<engine::TileId>> site =
      listings::TileAtPoint(grid, level.level(), project.longitude, project.latitude);
  page["map"] = TeamMapSvg(level, answer.map, answered, site.ok() ? *site : std::nullopt);
  page["map_tiles"] = std::to_string(answer.map.size());
  mstch::array by_count;
  json suited_by = json::array();
  for (size_t count = answer.suited_by.size(); count-- > 1;) {
    by_count.push_back(mstch::map{{"members", std::to_string(count)},
                                  {"tiles", std::to_string(answer.suited_by[count])}});
    suited_by.push_back({{"members", count}, {"tiles", answer.suited_by[count]}});
  }
  mstch::array tiles;
  json tiles_json = json::array();
  for (size_t index = 0; index < answer.best.size(); ++index) {
    const engine::GroupTile& tile = answer.best[index];
    const std::string id = level.tile(tile.tile).ToString();
    const std::string communes = TileCommunes(grid, level, tile.tile);
    if (index < kShownTiles)
      tiles.push_back(mstch::map{
          {"tile", id}, {"communes", communes}, {"suited", std::to_string(tile.members_suited)}});
    tiles_json.push_back({{"tile", id}, {"members_suited", tile.members_suited}});
  }
  mstch::array excluding;
  json excluding_json = json::array();
  for (const ExcludingCriterion& criterion : answer.excluding) {
    excluding.push_back(mstch::map{{"label", criterion.label},
                                   {"members", std::to_string(criterion.members)},
                                   {"exclusions", std::to_string(criterion.exclusions)}});
    excluding_json.push_back({{"criterion", criterion.criterion},
                              {"label", criterion.label},
                              {"members", criterion.members},
                              {"exclusions", criterion.exclusions}});
  }
  page["has_answer"] = true;
  page["suits_everyone"] = std::to_string(answer.suits_everyone);
  page["everyone"] = answer.suits_everyone > 0;
  page["by_count"] = by_count;
  page["tiles"] = tiles;
  page["best_suited"] =
      std::to_string(answer.best.empty() ? 0 : answer.best.front().members_suited);
  page["excluding"] = excluding;
  page["has_excluding"] = !excluding.empty();
  body["answer"] = {{"level", engine::LevelName(level.level())},
                    {"suits_everyone", answer.suits_everyone},
                    {"suited_by", suited_by},
                    {"best", tiles_json},
                    {"excluding", excluding_json}};
}

Result<Response> ProjectPage(Context& context, const RelocationPagesEnv& env, bool as_json,
                             std::string error = {}, std::string notice = {}) {
  storage::Connection connection = env.database.Acquire();
  VV_ASSIGN_OR_RETURN(EmployerAccess access, AccessFor(context, connection));
  VV_ASSIGN_OR_RETURN(Project project, ProjectFor(context, connection, access));
  if (!env.search.grid) return NoGrid();
  const std::vector<Member> members = ProjectStore::Members(connection, project.id);
  mstch::map page{{"title", "Projet « " + project.name + " » — " + access.employer.name},
                  {"employer", EmployerData(access)},
                  {"project", ProjectData(env.search.grid.get(), project)},
                  {"error", error},
                  {"notice", notice}};
  json body = {{"project",
                {{"id", project.id},
                 {"name", project.name},
                 {"commune", project.commune_code},
                 {"address", project.address},
                 {"share_with_partners", project.share_with_partners}}}};
  mstch::array member_rows;
  for (const Member& member : members)
    member_rows.push_back(
        mstch::map{{"email", member.email}, {"status", std::string(MemberStatus(member))}});
  page["members"] = member_rows;
  page["has_members"] = !member_rows.empty();
  TeamAnswerFor(env.search, project, members, page, body);
  if (as_json) return Response::Json(body);
  return context.Page("employer_project", std::move(page), error.empty() ? 200 : 400);
}

// The member's own result: green tiles and the best of them.
void OwnTiles(const engine::SearchBackend& search, const engine::SearchRequest& request,
              mstch::map& page) {
  const engine::GridFile& grid = *search.grid;
  const engine::LevelView& level = *grid.level(request.level);
  engine::SearchRequest top = request;
  top.offset = 0;
  top.limit = kMemberTiles;
  const engine::SearchResult result = search.engine->Search(top, false);
  mstch::array tiles;
  for (const engine::RankedTile& tile : result.tiles)
    tiles.push_back(mstch::map{{"tile", level.tile(tile.tile).ToString()},
                               {"communes", TileCommunes(grid, level, tile.tile)},
                               {"score", std::to_string(std::lround(tile.score * 100)) + " %"}});
  page["green"] = std::to_string(result.green_count);
  page["own_tiles"] = tiles;
  page["has_own_tiles"] = !tiles.empty();
}

// The request a member starts from: the new site as a required place within 30 km.
std::string StarterAnswer(const Project& project) {
  json place = {{"name", "nouveau site"},
                {"commune", project.commune_code},
                {"max_km", 30},
                {"importance", "required"}};
  if (!project.address.empty()) place["address"] = project.address;
  return json{{"level", "1km"}, {"criteria", json::array()}, {"places", {place}}}.dump(2);
}

Result<Response> MemberPage(Context& context, const RelocationPagesEnv& env, std::string error = {},
                            std::string typed = {}, std::string notice = {}) {
  if (!env.search.grid) return NoGrid();
  storage::Connection connection = env.database.Acquire();
  VV_ASSIGN_OR_RETURN(int64_t project_id, IdParam(context, "project"));
  const int64_t user_id = context.user()->user_id;
  std::optional<Member> member = ProjectStore::MemberOf(connection, project_id, user_id);
  std::optional<Project> project = ProjectStore::Get(connection, project_id);
  if (!member || !project) return NotFound("Projet introuvable.");
  std::optional<Employer> employer = EmployerStore::Get(connection, project->employer_id);
  mstch::map page{{"title", "Mon installation — " + project->name},
                  {"project", ProjectData(env.search.grid.get(), *project)},
                  {"employer_name", employer ? employer->name : std::string()},
                  {"error", error},
                  {"notice", notice},
                  {"share_answers", member->share_answers},
                  {"answered", member->answered_at.has_value()}};
  mstch::array searches;
  for (const interests::SavedSearch& search :
       interests::InterestStore::Searches(connection, user_id))
    searches.push_back(mstch::map{{"id", std::to_string(search.id)}, {"name", search.name}});
  page["searches"] = searches;
  page["has_searches"] = !searches.empty();
  std::string answer_text = typed;
  if (member->answer) {
    Result<CheckedAnswer> checked = CheckAnswer(*env.search.grid, *member->answer);
    if (checked.ok()) {
      page["lines"] = DescribeAnswer(*env.search.grid, checked->request);
      OwnTiles(env.search, checked->request, page);
    }
    if (answer_text.empty()) answer_text = json::parse(*member->answer).dump(2);
  }
  if (answer_text.empty()) answer_text = StarterAnswer(*project);
  page["answer_text"] = answer_text;
  return context.Page("relocation_member", std::move(page), error.empty() ? 200 : 400);
}

}  // namespace

void RegisterRelocationPages(web::App& app, const RelocationPagesEnv& env) {
  const web::RouteOptions signed_in{.access = web::Access::kSignedIn};

  // Home: the person's employers, registering one, the projects they were invited to.
  auto home = [env](Context& context, std::string error, std::string name,
                    std::string siret) -> Result<Response> {
    storage::Connection connection = env.database.Acquire();
    const int64_t user_id = context.user()->user_id;
    mstch::array employers;
    for (const Employer& employer : EmployerStore::OfUser(connection, user_id))
      employers.push_back(mstch::map{
          {"name", employer.name}, {"siret", employer.siret}, {"base", EmployerBase(employer)}});
    mstch::array projects;
    for (const auto& [project, member] : ProjectStore::ProjectsOfMember(connection, user_id))
      projects.push_back(mstch::map{{"name", project.name},
                                    {"link", "/entreprise/membre/" + std::to_string(project.id)},
                                    {"status", std::string(MemberStatus(member))}});
    return context.Page("employer_home",
                        mstch::map{{"title", std::string("Espace entreprise — VivroVert")},
                                   {"employers", employers},
                                   {"has_employers", !employers.empty()},
                                   {"projects", projects},
                                   {"has_projects", !projects.empty()},
                                   {"error", error},
                                   {"name", name},
                                   {"siret", siret}},
                        error.empty() ? 200 : 400);
  };
  app.Get(
      "/entreprise",
      [home](Context& context) -> Result<Response> { return home(context, {}, {}, {}); },
      signed_in);
  app.Post(
      "/entreprise",
      [env, home](Context& context) -> Result<Response> {
        const std::string name = context.request().Form("name").value_or("");
        const std::string siret = context.request().Form("siret").value_or("");
        Result<Employer> created = [&]() -> Result<Employer> {
          storage::Connection connection = env.database.Acquire();
          storage::Transaction transaction(connection);
          Result<Employer> employer = EmployerStore::Create(connection, name, siret,
                                                            context.user()->user_id, context.Now());
          if (employer.ok()) transaction.Commit();
          return employer;
        }();
        if (!created.ok()) return home(context, created.status().message(), name, siret);
        return Response::Redirect(EmployerBase(*created));
      },
      signed_in);

  // The employer's dashboard: projects, a new project, staff.
  auto dashboard = [env](Context& context, std::string error) -> Result<Response> {
    storage::Connection connection = env.database.Acquire();
    VV_ASSIGN_OR_RETURN(EmployerAccess access, AccessFor(context, connection));
    mstch::array projects;
    for (const Project& project : ProjectStore::OfEmployer(connection, access.employer.id)) {
      mstch::map data = ProjectData(env.search.grid.get(), project);
      data["members"] = std::to_string(ProjectStore::Members(connection, project.id).size());
      projects.push_back(std::move(data));
    }
    const std::vector<EmployerStaffMember> staff =
        EmployerStore::Staff(connection, access.employer.id);
    std::vector<int64_t> ids;
    for (const EmployerStaffMember& member : staff) ids.push_back(member.user_id);
    const std::map<int64_t, accounts::UserContact> contacts =
        accounts::UserStore::Contacts(connection, ids);
    mstch::array staff_rows;
    for (const EmployerStaffMember& member : staff) {
      auto contact = contacts.find(member.user_id);
      if (contact == contacts.end()) continue;
      staff_rows.push_back(mstch::map{{"email", contact->second.email},
                                      {"name", contact->second.display_name},
                                      {"role", std::string(EmployerRoleLabel(member.role))}});
    }
    return context.Page("employer_dashboard",
                        mstch::map{{"title", access.employer.name + " — Espace entreprise"},
                                   {"employer", EmployerData(access)},
                                   {"projects", projects},
                                   {"has_projects", !projects.empty()},
                                   {"staff", staff_rows},
                                   {"error", error}},
                        error.empty() ? 200 : 400);
  };
  app.Get(
      "/entreprise/{id}",
      [dashboard](Context& context) -> Result<Response> { return dashboard(context, {}); },
      signed_in);
  app.Post(
      "/entreprise/{id}/projets",
      [env, dashboard](Context& context) -> Result<Response> {
        if (!env.search.grid) return NoGrid();
        storage::Connection connection = env.database.Acquire();
        VV_ASSIGN_OR_RETURN(EmployerAccess access, AccessFor(context, connection, true));
        ProjectInput input;
        input.name = context.request().Form("name").value_or("");
        input.commune_code = context.request().Form("commune").value_or("");
        input.address = context.request().Form("address").value_or("");
        input.share_with_partners = context.request().Form("share_with_partners").has_value();
        Result<Project> created =
            ProjectStore::Create(connection, *env.search.grid, access.employer.id, input,
                                 context.user()->user_id, context.Now());
        if (!created.ok()) return dashboard(context, created.status().message());
        return Response::Redirect(ProjectBase(*created));
      },
      signed_in);
  app.Post(
      "/entreprise/{id}/equipe",
      [env, dashboard](Context& context) -> Result<Response> {
        const std::string email = context.request().Form("email").value_or("");
        std::optional<EmployerRole> role =
            ParseEmployerRole(context.request().Form("role").value_or(""));
        if (!role) return dashboard(context, "Choisissez un rôle : administrateur ou lecteur.");
        std::string base;
        Status set = [&]() -> Status {
          storage::Connection connection = env.database.Acquire();
          VV_ASSIGN_OR_RETURN(EmployerAccess access, AccessFor(context, connection, true));
          base = EmployerBase(access.employer);
          std::optional<accounts::User> user = accounts::UserStore::FindByEmail(connection, email);
          if (!user)
            return InvalidArgument("Aucun compte VivroVert n'utilise l'adresse « " + Trim(email) +
                                       " » : la personne crée d'abord son compte.",
                                   "email");
          storage::Transaction transaction(connection);
          VV_RETURN_IF_ERROR(EmployerStore::SetStaff(connection, access.employer.id, user->id,
                                                     *role, context.Now()));
          transaction.Commit();
          return Status::Ok();
        }();
        if (base.empty() || set.code() == StatusCode::kPermissionDenied) return set;
        if (!set.ok()) return dashboard(context, set.message());
        return Response::Redirect(base);
      },
      signed_in);

  // The project, as the employer sees it: aggregates only.
  app.Get(
      "/entreprise/{id}/projets/{project}",
      [env](Context& context) -> Result<Response> { return ProjectPage(context, env, false); },
      signed_in);
  app.Get(
      "/entreprise/{id}/projets/{project}/synthese",
      [env](Context& context) -> Result<Response> { return ProjectPage(context, env, true); },
      signed_in);
  app.Post(
      "/entreprise/{id}/projets/{project}/invitations",
      [env](Context& context) -> Result<Response> {
        std::vector<std::string> emails;
        for (const std::string& line :
             SplitList(context.request().Form("emails").value_or(""), ",;\n\r\t "))
          if (!Trim(line).empty()) emails.push_back(Trim(line));
        if (emails.empty())
          return ProjectPage(context, env, false, "Indiquez au moins une adresse e-mail.");
        if (emails.size() > kMaxInvitesAtOnce)
          return ProjectPage(
              context, env, false,
              "Au plus " + std::to_string(kMaxInvitesAtOnce) + " adresses à la fois.");
        if (!env.search.grid) return NoGrid();
        int sent = 0;
        std::string error;
        {
          storage::Connection connection = env.database.Acquire();
          VV_ASSIGN_OR_RETURN(EmployerAccess access, AccessFor(context, connection, true));
          VV_ASSIGN_OR_RETURN(Project project, ProjectFor(context, connection, access));
          // One form, one transaction: a refused address leaves nobody invited.
          storage::Transaction transaction(connection);
          for (const std::string& email : emails) {
            Result<Invitation> invitation =
                ProjectStore::Invite(connection, env.random, project.id, email, context.Now());
            if (!invitation.ok()) {
              error = invitation.status().message();
              break;
            }
            VV_ASSIGN_OR_RETURN(
                bool queued,
                QueueInvitation(connection, env.templates, *invitation, access.employer, project,
                                CommuneLabel(*env.search.grid, project.commune_code),
                                env.public_base_url, context.Now()));
            sent += queued ? 1 : 0;
          }
          if (error.empty()) transaction.Commit();
        }
        if (!error.empty()) return ProjectPage(context, env, false, error);
        if (sent > 0 && env.mail_queued) env.mail_queued();
        return ProjectPage(
            context, env, false, {},
            std::to_string(sent) + (sent > 1 ? " invitations envoyées." : " invitation envoyée."));
      },
      signed_in);
  app.Post(
      "/entreprise/{id}/projets/{project}/partage",
      [env](Context& context) -> Result<Response> {
        storage::Connection connection = env.database.Acquire();
        VV_ASSIGN_OR_RETURN(EmployerAccess access, AccessFor(context, connection, true));
        VV_ASSIGN_OR_RETURN(Project project, ProjectFor(context, connection, access));
        VV_RETURN_IF_ERROR(ProjectStore::SetShareWithPartners(
            connection, project.id, context.request().Form("share_with_partners").has_value(),
            context.Now()));
        return Response::Redirect(ProjectBase(project));
      },
      signed_in);

  // The invitation link: who invites, to what; joining needs an account.
  auto invitation_page = [env](Context& context, std::string error) -> Result<Response> {
    storage::Connection connection = env.database.Acquire();
    const std::string token = context.Param("token");
    std::optional<Member> member = ProjectStore::MemberByToken(connection, token);
    if (!member) return NotFound("Ce lien d'invitation n'est pas (ou plus) valable.");
    std::optional<Project> project = ProjectStore::Get(connection, member->project_id);
    if (!project) return NotFound("Ce lien d'invitation n'est pas (ou plus) valable.");
    std::optional<Employer> employer = EmployerStore::Get(connection, project->employer_id);
    return context.Page(
        "relocation_invitation",
        mstch::map{{"title", "Invitation — " + project->name},
                   {"project", ProjectData(env.search.grid.get(), *project)},
                   {"employer_name", employer ? employer->name : std::string()},
                   {"action", "/entreprise/invitation/" + token},
                   {"joined_by_other",
                    member->user_id.has_value() && *member->user_id != context.user()->user_id},
                   {"error", error}},
        error.empty() ? 200 : 400);
  };
  app.Get(
      "/entreprise/invitation/{token}",
      [invitation_page](Context& context) -> Result<Response> {
        return invitation_page(context, {});
      },
      signed_in);
  app.Post(
      "/entreprise/invitation/{token}",
      [env, invitation_page](Context& context) -> Result<Response> {
        storage::Connection connection = env.database.Acquire();
        Result<Member> joined = ProjectStore::Join(connection, context.Param("token"),
                                                   context.user()->user_id, context.Now());
        if (!joined.ok()) {
          if (joined.status().code() == StatusCode::kNotFound) return joined.status();
          return invitation_page(context, joined.status().message());
        }
        return Response::Redirect("/entreprise/membre/" + std::to_string(joined->project_id));
      },
      signed_in);

  // The member's private answer.
  app.Get(
      "/entreprise/membre/{project}",
      [env](Context& context) -> Result<Response> { return MemberPage(context, env); }, signed_in);
  app.Post(
      "/entreprise/membre/{project}",
      [env](Context& context) -> Result<Response> {
        if (!env.search.grid) return NoGrid();
        VV_ASSIGN_OR_RETURN(int64_t project_id, IdParam(context, "project"));
        const int64_t user_id = context.user()->user_id;
        storage::Connection connection = env.database.Acquire();
        std::optional<Member> member = ProjectStore::MemberOf(connection, project_id, user_id);
        std::optional<Project> project = ProjectStore::Get(connection, project_id);
        if (!member || !project) return NotFound("Projet introuvable.");
        std::string text = context.request().Form("answer").value_or("");
        const std::string from_search = context.request().Form("saved_search").value_or("");
        if (!from_search.empty()) {
          std::optional<int64_t> search_id = ParsePositiveId(from_search);
          std::optional<interests::SavedSearch> saved =
              search_id ? interests::InterestStore::Search(connection, user_id, *search_id)
                        : std::nullopt;
          if (!saved) return MemberPage(context, env, "Recherche enregistrée introuvable.", text);
          text = saved->request;
        }
        Result<CheckedAnswer> checked = CheckAnswer(*env.search.grid, text);
        if (!checked.ok())
          return MemberPage(
              context, env,
              checked.status().message() + " (champ « " + checked.status().field() + " »)", text);
        const bool share = context.request().Form("share_answers").has_value();
        Status stored = [&]() -> Status {
          storage::Transaction transaction(connection);
          VV_RETURN_IF_ERROR(ProjectStore::Answer(connection, member->id, user_id,
                                                  checked->normalised, share, context.Now()));
          // Saved as a search, it brings the member's listings and notifications like any
          // person's.
          if (context.request().Form("save_search").has_value() && from_search.empty()) {
            VV_ASSIGN_OR_RETURN(interests::SavedSearch saved,
                                interests::InterestStore::SaveSearch(
                                    connection, user_id, "Projet « " + project->name + " »",
                                    checked->normalised, context.Now()));
            if (env.listener != nullptr)
              env.listener->SearchSaved(connection, saved, context.Now());
          }
          transaction.Commit();
          return Status::Ok();
        }();
        if (!stored.ok()) return MemberPage(context, env, stored.message(), text);
        return Response::Redirect("/entreprise/membre/" + std::to_string(project_id));
      },
      signed_in);

  // A partner's view: consenting projects whose answer reaches its territory.
  storage::Database& database = env.database;
  app.Get(
      "/partenaire/{slug}/entreprises",
      partners::Entitled(
          database, subscriptions::ProductCode::kBase, [env](Context& context) -> Result<Response> {
            VV_ASSIGN_OR_RETURN(partners::Access access,
                                partners::AccessFor(context, env.database));
            if (!env.search.grid) return NoGrid();
            const engine::GridFile& grid = *env.search.grid;
            storage::Connection connection = env.database.Acquire();
            VV_ASSIGN_OR_RETURN(engine::Territory territory,
                                partners::ResolveTerritory(connection, grid, access.partner));
            mstch::array leads;
            for (const Project& project : ProjectStore::SharedWithPartners(connection)) {
              const std::vector<Member> members = ProjectStore::Members(connection, project.id);
              const ParsedAnswers parsed = ParseAnswers(grid, members);
              if (parsed.requests.size() < kMinAnswersShown) continue;
              const TeamAnswer answer = ComputeTeamAnswer(*env.search.engine, parsed.requests, 1);
              if (answer.best.empty()) continue;
              const TerritoryShare share =
                  ShareOfTerritory(*env.search.engine, parsed.requests, territory.communes());
              // The territory appears in the answer: some of its tiles suit as many members
              // as the best tiles anywhere.
              if (share.best_suited == 0 || share.best_suited < answer.best.front().members_suited)
                continue;
              std::optional<Employer> employer =
                  EmployerStore::Get(connection, project.employer_id);
              mstch::array needs;
              for (const Need& need : SummariseNeeds(grid, parsed.requests))
                needs.push_back(
                    mstch::map{{"label", need.label}, {"members", std::to_string(need.members)}});
              leads.push_back(mstch::map{{"employer", employer ? employer->name : std::string()},
                                         {"project", project.name},
                                         {"site", CommuneLabel(grid, project.commune_code)},
                                         {"invited", std::to_string(members.size())},
                                         {"answered", std::to_string(parsed.requests.size())},
                                         {"tiles", std::to_string(share.tiles_at_best)},
                                         {"suited", std::to_string(share.best_suited)},
                                         {"needs", needs}});
            }
            return context.Page("partner_relocation",
                                mstch::map{{"title", "Entreprises — " + access.partner.name},
                                           {"partner", partners::PartnerData(access)},
                                           {"leads", leads},
                                           {"has_leads", !leads.empty()}});
          }));
}

}  // namespace vivrovert::relocation
