// A partner's own site on the web (option 2, the territory platform): which partner a
// request's Host header names, and the operator's console pages that configure the hosts.
//
//   GET  /site.css                                    the partner site's colours (404 elsewhere)
//   GET  /operateur/partenaires/{id}/site             the partner's hosts and look (operators)
//   POST /operateur/partenaires/{id}/site             adds or updates a host
//   POST /operateur/partenaires/{id}/site/{site}/retrait   removes a host
//
// A host answers as the partner's site only while the partner holds the territory
// platform (subscriptions::ProductCode::kOption2) on the day (Paris); otherwise, and for
// every unknown host, the request gets the main site. The site's search covers the
// partner's whole territory and the communes whose centre lies within the chosen margin of
// one of its communes' centres.
//
// Thread safety: the resolver is safe from any number of threads; it keeps what it found
// for a host for kSiteCacheSeconds (a change made in the console shows within that delay).
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "core/common/env.hpp"
#include "core/storage/database.hpp"
#include "engine/engine.hpp"
#include "web/http/app.hpp"

namespace vivrovert::partners {

inline constexpr int64_t kSiteCacheSeconds = 30;

class PartnerSiteResolver final : public web::SiteResolver {
 public:
  // `public_base_url` gives the scheme of the sites' origins; `grid` may be null (no grid:
  // the search covers the territory's codes only). Everything must outlive the resolver.
  PartnerSiteResolver(storage::Database& database, const Clock& clock, const engine::GridFile* grid,
                      std::string public_base_url);

  std::shared_ptr<const web::HostSite> Resolve(const web::Request& request) override;
  // Forgets every host (after a change in the console).
  void Forget();

 private:
  std::shared_ptr<const web::HostSite> Load(const std::string& host, const std::string& origin);

  struct Cached {
    std::shared_ptr<const web::HostSite> site;
    int64_t until = 0;
  };
  storage::Database& database_;
  const Clock& clock_;
  const engine::GridFile* grid_;
  std::string scheme_;
  std::mutex mutex_;
  std::map<std::string, Cached> cache_;  // by Host header as sent
};

// The communes (INSEE codes, ascending) a site's search covers: `territory`'s and those
// whose centre lies within `margin_km` of one of its communes' centres (straight line).
std::vector<std::string> SearchCommunes(const engine::GridFile& grid,
                                        const engine::Territory& territory, int margin_km);

// `database` and `resolver` must outlive `app`.
void RegisterPartnerSitePages(web::App& app, storage::Database& database,
                              PartnerSiteResolver& resolver);

}  // namespace vivrovert::partners
