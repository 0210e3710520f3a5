// Compatibility of people with partner territories (option 3, issue #22), as each side
// sees it:
//
//   /compte/territoires               the person: for each partner territory, "Ce territoire
//                                     correspond à 9 de vos 11 critères", from which saved
//                                     search, its best tile and the margin
//   /partenaire/{slug}/compatibilite  the partner (option 3): how many people its territory
//                                     suits fully, and the ranked list of those who consented
//                                     to share their identity (the others are only counted)
//   /partenaire/{slug}/semblables     the partner (option 3): "les 10 territoires les plus
//                                     proches du vôtre" (domain/similarity)
// The person's page also says "Vous aimez X : voyez aussi Y" for the territory that suits
// them best.
//
// The rows come from domain/compatibility; both pages first rewrite them when the grid or
// the partners' territories changed since they were computed.
//
// Thread safety: the routes share only thread-safe parts.
#pragma once

#include "core/common/env.hpp"
#include "core/storage/database.hpp"
#include "domain/compatibility/compatibility_store.hpp"
#include "domain/similarity/territory_similarity.hpp"
#include "web/http/app.hpp"

namespace vivrovert::compatibility {

// How many people the partner's page lists at most.
inline constexpr int64_t kListedPeople = 100;

// How many similar territories the partner's page lists, and the person's page names.
inline constexpr size_t kSimilarForPartner = 10;
inline constexpr size_t kSimilarForPerson = 3;

// `recorder`, `grid` and `similar` are null without a grid (the pages then say they need
// it); all must outlive the app.
struct CompatibilityPagesEnv {
  storage::Database& database;
  const Clock& clock;
  CompatibilityRecorder* recorder;
  const engine::GridFile* grid;
  const similarity::SimilarityIndex* similar;
};
void RegisterCompatibilityPages(web::App& app, const CompatibilityPagesEnv& env);

}  // namespace vivrovert::compatibility
