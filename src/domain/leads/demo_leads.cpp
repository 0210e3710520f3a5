#include "domain/leads/demo_leads.hpp"

#include <map>
#include <nlohmann/json.hpp>

#include "domain/accounts/user_store.hpp"
#include "domain/interests/interest_store.hpp"
#include "domain/profiles/profile.hpp"
#include "engine/engine.hpp"

namespace vivrovert::leads {

namespace {

using nlohmann::json;

constexpr int64_t kDay = 24 * 3600;

struct DemoPerson {
  const char* email;
  const char* name;
  json profile;
  std::map<std::string, bool> consents;
  const char* search_name;
  json request;
  int64_t saved_days_ago;
  std::vector<const char*> clicked_communes;  // a tile of each, opened a few days after saving
};

std::vector<DemoPerson> People() {
  const json quiet_cahors = {
      {"level", "1km"},
      {"territory", {{"epci", {"200023737"}}}},
      {"criteria",
       {{{"criterion", "dist_station_km"}, {"max", 15}, {"importance", "required"}},
        {{"criterion", "dist_hospital_km"},
         {"max", 30},
         {"importance", "preferred"},
         {"weight", 3}}}}};
  const json lot_villages = {
      {"level", "1km"},
      {"territory", {{"departements", {"46"}}}},
      {"criteria", {{{"criterion", "dist_station_km"}, {"max", 8}, {"importance", "required"}}}}};
  return {
      {"camille.demo@vivrovert.localhost",
       "Camille Martin (démo)",
       {{"household_adults", 2},
        {"household_children", 2},
        {"horizon", "12m"},
        {"funds_eur", 60000},
        {"housing_tenure", "buy"},
        {"housing_type", "house"},
        {"housing_rooms_min", 4},
        {"housing_price_max", 230000},
        {"work_situation", "employed"},
        {"work_remote", true}},
       {{"identity", true}, {"funds", true}, {"housing", true}, {"household", true}},
       "Maison près d'une gare (démo)",
       quiet_cahors,
       40,
       {"46042"}},
      {"julien.demo@vivrovert.localhost",
       "Julien Bernard (démo)",
       {{"household_adults", 1},
        {"work_situation", "job_seeker"},
        {"work_rome_codes", json::array({"A1405", "N4101"})},
        {"housing_tenure", "rent"}},
       {{"identity", true}, {"work", true}},
       "Travailler dans le Lot (démo)",
       lot_villages,
       25,
       {"46102"}},
      {"sofia.demo@vivrovert.localhost",
       "Sofia Petit (démo)",
       {{"household_adults", 2},
        {"funds_eur", 120000},
        {"business_sector", "food_service"},
        {"business_budget_eur", 150000}},
       {{"funds", true}, {"work", true}},
       "Reprendre un café (démo)",
       quiet_cahors,
       12,
       {}},
      {"marc.demo@vivrovert.localhost",
       "Marc Durand (démo)",
       {{"household_adults", 2},
        {"horizon", "24m"},
        {"housing_tenure", "buy"},
        {"housing_price_max", 180000}},
       {},
       "Retraite au calme (démo)",
       quiet_cahors,
       5,
       {}},
  };
}

}  // namespace

Result<DemoLeadsSummary> SeedDemoLeads(storage::Database& database, const engine::GridFile& grid,
                                       LeadRecorder& recorder, accounts::PasswordHasher& hasher,
                                       const Clock& clock, std::string_view password,
                                       int64_t demo_partner_id) {
  DemoLeadsSummary summary;
  const int64_t now = clock.NowSeconds();
  const engine::LevelView* level = grid.level(engine::Level::k1km);
  if (level == nullptr) return NotFound("La grille n'a pas de dalles de 1 km.");
  storage::Connection connection = database.Acquire();
  for (const DemoPerson& person : People()) {
    if (accounts::UserStore::FindByEmail(connection, person.email)) {
      ++summary.people_kept;
      continue;
    }
    storage::Transaction transaction(connection);
    const int64_t saved_at = now - person.saved_days_ago * kDay;
    accounts::NewUser user{person.email, hasher.Hash(password), accounts::Role::kUser, person.name,
                           true};
    VV_ASSIGN_OR_RETURN(accounts::User created,
                        accounts::UserStore::Create(connection, user, saved_at));
    profiles::Profile profile;
    listings::Normalised normalised = profiles::NormaliseProfile(person.profile);
    if (!normalised.errors.empty()) {
      return Internal("demo profile of " + std::string(person.email) + ": " +
                      normalised.errors.front().message);
    }
    profile.data = normalised.fields;
    profile.notification = "weekly";
    profiles::ProfileStore::Put(connection, created.id, profile, saved_at);
    if (!person.consents.empty())
      profiles::ProfileStore::SetConsents(connection, created.id, person.consents, saved_at);
    VV_ASSIGN_OR_RETURN(engine::SearchRequest request,
                        engine::ParseSearchRequest(person.request, grid));
    VV_ASSIGN_OR_RETURN(interests::SavedSearch search,
                        interests::InterestStore::SaveSearch(
                            connection, created.id, person.search_name,
                            engine::SearchRequestToJson(request, grid).dump(), saved_at));
    recorder.SearchSaved(connection, search, saved_at);
    int64_t clicked_at = saved_at + 2 * kDay;
    for (const char* commune : person.clicked_communes) {
      VV_ASSIGN_OR_RETURN(engine::Territory territory,
                          engine::Territory::Resolve(grid, {{commune}, {}, {}}));
      std::vector<uint32_t> tiles = territory.Tiles(*level);
      if (tiles.empty()) return NotFound(std::string("Aucune dalle pour la commune ") + commune);
      const std::string tile = level->tile(tiles[tiles.size() / 2]).ToString();
      const int64_t click_id =
          interests::InterestStore::RecordClick(connection, created.id, tile, false, clicked_at);
      recorder.TileClicked(connection, click_id, created.id, tile, false, clicked_at);
      clicked_at += kDay;
    }
    transaction.Commit();
    ++summary.people_created;
  }
  VV_RETURN_IF_ERROR(recorder.RefreshPartner(connection, demo_partner_id, now));
  return summary;
}

}  // namespace vivrovert::leads
