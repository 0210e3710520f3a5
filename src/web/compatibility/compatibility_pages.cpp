#include "web/compatibility/compatibility_pages.hpp"

#include <cmath>
#include <mstch/mstch.hpp>
#include <set>

#include "core/common/text.hpp"
#include "domain/accounts/user_store.hpp"
#include "domain/interests/interest_store.hpp"
#include "domain/partners/partner_store.hpp"
#include "domain/partners/partner_territory.hpp"
#include "domain/profiles/profile.hpp"
#include "web/partners/partner_access.hpp"

namespace vivrovert::compatibility {

namespace {

using web::Context;
using web::Response;

// "Ce territoire correspond à 9 de vos 11 critères" (one criterion: "à votre critère").
std::string Sentence(const Compatibility& row) {
  if (row.criteria_total == 1)
    return row.criteria_met == 1 ? "Ce territoire correspond à votre critère"
                                 : "Ce territoire ne correspond pas à votre critère";
  return "Ce territoire correspond à " + std::to_string(row.criteria_met) + " de vos " +
         std::to_string(row.criteria_total) + " critères";
}

std::string MarginPercent(double margin) {
  return std::to_string(static_cast<int>(std::lround(margin * 100))) + " %";
}

mstch::map RowData(const Compatibility& row) {
  return mstch::map{{"met", std::to_string(row.criteria_met)},
                    {"total", std::to_string(row.criteria_total)},
                    {"full", row.Full()},
                    {"sentence", Sentence(row)},
                    {"best_tile", row.best_tile},
                    {"margin", MarginPercent(row.margin)},
                    {"green_tiles", std::to_string(row.green_tiles)},
                    {"computed", FrenchDate(row.computed_at)}};
}

void RefreshIfStale(CompatibilityRecorder* recorder, storage::Database& database,
                    const Clock& clock) {
  if (recorder == nullptr) return;
  storage::Connection connection = database.Acquire();
  recorder->RefreshIfStale(connection, clock.NowSeconds());
}

// "0,42": a distance in standard deviations, French decimal comma.
std::string Deviations(double distance) {
  const int64_t hundredths = std::llround(distance * 100);
  std::string text = std::to_string(hundredths / 100) + ",";
  const int64_t rest = hundredths % 100;
  return text + (rest < 10 ? "0" : "") + std::to_string(rest);
}

// The EPCI nearest to a partner's territory, without the EPCI of its own communes.
Result<std::vector<similarity::Neighbour>> SimilarTo(storage::Connection& connection,
                                                     const CompatibilityPagesEnv& env,
                                                     const partners::Partner& partner, size_t k) {
  VV_ASSIGN_OR_RETURN(engine::Territory territory,
                      partners::ResolveTerritory(connection, *env.grid, partner));
  const engine::LevelView* level = env.grid->level(env.similar->level());
  if (level == nullptr) return std::vector<similarity::Neighbour>{};
  std::vector<std::string> own;
  for (uint32_t commune : territory.communes()) own.push_back(env.grid->communes()[commune].epci);
  return env.similar->Nearest(env.similar->ProfileOf(*env.grid, territory.Tiles(*level)), k, own);
}

}  // namespace

void RegisterCompatibilityPages(web::App& app, const CompatibilityPagesEnv& env) {
  storage::Database& database = env.database;
  const Clock& clock = env.clock;
  CompatibilityRecorder* recorder = env.recorder;
  app.Get("/compte/territoires",
          [&database, &clock, recorder, env](Context& context) -> Result<Response> {
            if (recorder == nullptr)
              return Unavailable(
                  "La compatibilité a besoin de la grille des dalles, pas encore "
                  "construite.");
            RefreshIfStale(recorder, database, clock);
            storage::Connection connection = database.Acquire();
            const int64_t user_id = context.user()->user_id;
            const std::vector<Compatibility> rows = CompatibilityStore::OfUser(connection, user_id);
            std::vector<int64_t> partner_ids, search_ids;
            for (const Compatibility& row : rows) {
              partner_ids.push_back(row.partner_id);
              search_ids.push_back(row.search_id);
            }
            const std::map<int64_t, std::string> names =
                partners::PartnerStore::Names(connection, partner_ids);
            const std::map<int64_t, std::string> searches =
                interests::InterestStore::SearchNames(connection, search_ids);
            mstch::array items;
            for (const Compatibility& row : rows) {
              mstch::map item = RowData(row);
              auto name = names.find(row.partner_id);
              auto search = searches.find(row.search_id);
              item["partner"] = name != names.end() ? name->second : std::string();
              item["search"] = search != searches.end() ? search->second : std::string();
              items.push_back(std::move(item));
            }
            mstch::map data{{"title", std::string("Mes territoires — VivroVert")},
                            {"items", items},
                            {"has_items", !items.empty()}};
            // "Vous aimez X : voyez aussi Y": the territories nearest to the one that suits
            // them best.
            if (!rows.empty() && env.similar != nullptr) {
              if (auto liked = partners::PartnerStore::Get(connection, rows.front().partner_id)) {
                Result<std::vector<similarity::Neighbour>> nearest =
                    SimilarTo(connection, env, *liked, kSimilarForPerson);
                if (nearest.ok() && !nearest->empty()) {
                  mstch::array similar;
                  for (const similarity::Neighbour& neighbour : *nearest)
                    similar.push_back(mstch::map{{"name", env.grid->EpciName(neighbour.code)},
                                                 {"code", neighbour.code}});
                  data["liked"] = liked->name;
                  data["similar"] = similar;
                  data["has_similar"] = true;
                }
              }
            }
            return context.Page("account_territories", std::move(data));
          },
          {.access = web::Access::kSignedIn, .return_to = "/compte/territoires"});

  app.Get(
      "/partenaire/{slug}/compatibilite",
      partners::Entitled(
          database, subscriptions::ProductCode::kOption3,
          [&database, &clock, recorder](Context& context) -> Result<Response> {
            VV_ASSIGN_OR_RETURN(partners::Access access, partners::AccessFor(context, database));
            if (recorder == nullptr)
              return Unavailable(
                  "La compatibilité a besoin de la grille des dalles, pas encore "
                  "construite.");
            RefreshIfStale(recorder, database, clock);
            storage::Connection connection = database.Acquire();
            const CompatibilityStore::Counts counts =
                CompatibilityStore::CountsOf(connection, access.partner.id);
            // The best first; only people who consented to share their identity are named.
            mstch::array people;
            std::vector<Compatibility> consented;
            for (const Compatibility& row :
                 CompatibilityStore::OfPartner(connection, access.partner.id, kListedPeople * 20)) {
              if (static_cast<int64_t>(consented.size()) >= kListedPeople) break;
              auto consents = profiles::ProfileStore::Consents(connection, row.user_id);
              auto identity = consents.find("identity");
              if (identity != consents.end() && identity->second.granted) consented.push_back(row);
            }
            std::vector<int64_t> ids;
            for (const Compatibility& row : consented) ids.push_back(row.user_id);
            const std::map<int64_t, accounts::UserContact> contacts =
                accounts::UserStore::Contacts(connection, ids);
            int rank = 0;
            for (const Compatibility& row : consented) {
              auto contact = contacts.find(row.user_id);
              if (contact == contacts.end()) continue;
              mstch::map item = RowData(row);
              item["rank"] = std::to_string(++rank);
              item["name"] = contact->second.display_name;
              item["email"] = contact->second.email;
              people.push_back(std::move(item));
            }
            return context.Page("partner_compatibility",
                                mstch::map{{"title", "Compatibilité — " + access.partner.name},
                                           {"partner", partners::PartnerData(access)},
                                           {"full", std::to_string(counts.full)},
                                           {"evaluated", std::to_string(counts.evaluated)},
                                           {"people", people},
                                           {"has_people", !people.empty()}});
          }));

  app.Get(
      "/partenaire/{slug}/semblables",
      partners::Entitled(
          database, subscriptions::ProductCode::kOption3,
          [&database, env](Context& context) -> Result<Response> {
            VV_ASSIGN_OR_RETURN(partners::Access access, partners::AccessFor(context, database));
            if (env.similar == nullptr)
              return Unavailable(
                  "Les territoires semblables ont besoin de la grille des dalles, "
                  "pas encore construite.");
            storage::Connection connection = database.Acquire();
            VV_ASSIGN_OR_RETURN(std::vector<similarity::Neighbour> nearest,
                                SimilarTo(connection, env, access.partner, kSimilarForPartner));
            mstch::array rows;
            int rank = 0;
            for (const similarity::Neighbour& neighbour : nearest) {
              rows.push_back(mstch::map{{"rank", std::to_string(++rank)},
                                        {"name", env.grid->EpciName(neighbour.code)},
                                        {"code", neighbour.code},
                                        {"distance", Deviations(neighbour.distance)}});
            }
            return context.Page(
                "partner_similar",
                mstch::map{
                    {"title", "Territoires semblables — " + access.partner.name},
                    {"partner", partners::PartnerData(access)},
                    {"count", std::to_string(rows.size())},
                    {"criteria", std::to_string(env.similar->criterion_count())},
                    {"epcis", std::to_string(env.similar->codes().size())},
                    {"grid_built", FrenchDate(env.grid->header().value("built_at", int64_t{0}))},
                    {"rows", rows},
                    {"has_rows", !rows.empty()}});
          }));
}

}  // namespace vivrovert::compatibility
