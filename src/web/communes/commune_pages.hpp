// Public pages per commune (national, not gated): what living in a commune looks like on
// the grid, for people and for search engines.
//
//   GET /vivre-a/{slug}-{code}           a commune: the criteria values of its 1 km tiles
//                                        (range and median, each with source and
//                                        vintage), its active listings, a map of its tiles,
//                                        the communes of France most like it (the
//                                        similarity of domain/similarity, over communes),
//                                        links to its EPCI and département
//   GET /vivre-a/epci/{siren}            an EPCI's communes
//   GET /vivre-a/departement/{code}      a département's communes
//   GET /sitemap.xml                     the sitemap index: one file per kSitemapUrls pages
//   GET /sitemaps/communes-{n}.xml       the n-th (from 1) of those files
//
// A commune's address whose slug is not the current one (a renamed commune, a typed
// address) is redirected permanently to it. Canonical links, OpenGraph and schema.org
// `Place` data name the main site's address (http.public_base_url), whichever host
// served the page.
//
// Thread safety: CommuneIndex is immutable once built; the routes only read it, the grid
// and the database.
#pragma once

#include <cstdint>
#include <mstch/mstch.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/env.hpp"
#include "core/storage/database.hpp"
#include "domain/listings/listing_store.hpp"
#include "domain/similarity/territory_similarity.hpp"
#include "engine/engine.hpp"
#include "web/http/app.hpp"

namespace vivrovert::communes {

// At most this many addresses per sitemap file (the sitemaps protocol's limit).
inline constexpr size_t kSitemapUrls = 50000;
// At most this many listings on a commune's page.
inline constexpr int kCommuneListings = 20;
// This many similar communes on a commune's page.
inline constexpr size_t kSimilarCommunes = 6;

// "/vivre-a/saint-cirq-lapopie-46256".
std::string CommunePath(const engine::CommuneRef& commune);

// Which 1 km tiles each commune of the grid overlaps, its page's slug, and the communes'
// standardised profiles for "communes au profil proche", built once from the grid (about
// a second for France).
class CommuneIndex {
 public:
  // `grid` must outlive the index. A grid without a 1 km level gives communes without tiles.
  explicit CommuneIndex(const engine::GridFile& grid);

  const engine::GridFile& grid() const { return grid_; }
  // Storage indices of the 1 km tiles `commune_idx` overlaps, ascending.
  const std::vector<uint32_t>& TilesOf(uint32_t commune_idx) const { return tiles_[commune_idx]; }
  const std::string& SlugOf(uint32_t commune_idx) const { return slugs_[commune_idx]; }
  // Indices of the communes of an EPCI or département, by name; empty when none.
  std::vector<uint32_t> CommunesOf(engine::GridFile::CodeKind kind, const std::string& code) const;
  // The `k` communes whose 1 km tiles are most like `commune_idx`'s (itself left out),
  // nearest first: a pass over every commune's profile (about a millisecond for France).
  std::vector<similarity::Neighbour> SimilarTo(uint32_t commune_idx, size_t k) const;
  const similarity::SimilarityIndex& similarity() const { return similarity_; }

 private:
  const engine::GridFile& grid_;
  similarity::SimilarityIndex similarity_;
  std::vector<std::vector<uint32_t>> tiles_;
  std::vector<std::string> slugs_;
};

// The page's data for the template "commune" (pure: the benchmark and tests call it):
// the commune's values, `listings` (active, already read), the map, the links and the
// head's canonical, OpenGraph and JSON-LD. `base_url` is the main site's address.
mstch::map CommunePageData(const CommuneIndex& index, uint32_t commune_idx,
                           const std::vector<listings::Listing>& listings,
                           const std::string& base_url);

// The sitemap index naming every file of `per_file` commune addresses, and the `file`-th
// (from 1) of them; nullopt past the last. Pure, for tests (the routes use kSitemapUrls).
std::string SitemapIndexXml(const CommuneIndex& index, const std::string& base_url,
                            size_t per_file);
std::optional<std::string> SitemapXml(const CommuneIndex& index, const std::string& base_url,
                                      size_t file, size_t per_file);

struct CommunePagesEnv {
  storage::Database& database;
  const CommuneIndex* index;  // null without a grid: the pages answer 503
  const Clock& clock;
  std::string public_base_url;
};

// Everything in `env` must outlive `app`.
void RegisterCommunePages(web::App& app, CommunePagesEnv env);

}  // namespace vivrovert::communes
