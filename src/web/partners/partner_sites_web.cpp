#include "web/partners/partner_sites_web.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "core/common/paris_time.hpp"
#include "core/common/text.hpp"
#include "domain/partners/partner_sites.hpp"
#include "domain/partners/partner_store.hpp"
#include "domain/partners/partner_territory.hpp"
#include "domain/subscriptions/subscriptions.hpp"
#include "web/partners/page_parts.hpp"

namespace vivrovert::partners {

namespace {

using web::Context;
using web::Response;

// Beyond this many different Host headers the cache starts again (arbitrary headers must not
// grow it without bound).
constexpr size_t kMaxCachedHosts = 1024;

double DistanceKm(double lat1, double lon1, double lat2, double lon2) {
  constexpr double kEarthRadiusKm = 6371.0;
  constexpr double kRadians = std::numbers::pi / 180.0;
  const double dlat = (lat2 - lat1) * kRadians;
  const double dlon = (lon2 - lon1) * kRadians;
  const double a = std::sin(dlat / 2) * std::sin(dlat / 2) +
                   std::cos(lat1 * kRadians) * std::cos(lat2 * kRadians) * std::sin(dlon / 2) *
                       std::sin(dlon / 2);
  return 2 * kEarthRadiusKm * std::asin(std::min(1.0, std::sqrt(a)));
}

mstch::map SiteRow(const PartnerSite& site, const std::string& action) {
  return mstch::map{
      {"id", std::to_string(site.id)},
      {"host", site.host},
      {"site_name", site.site_name},
      {"primary_colour", site.primary_colour},
      {"accent_colour", site.accent_colour},
      {"margin_km", site.margin_km},
      {"has_logo", !site.logo_url.empty()},
      {"remove_action", action + "/" + std::to_string(site.id) + "/retrait"},
  };
}

Result<Response> SitePage(Context& context, storage::Connection& connection, const Partner& partner,
                          const PartnerSiteInput& input, const Status& error, int status,
                          const std::string& today) {
  const std::string action = "/operateur/partenaires/" + std::to_string(partner.id) + "/site";
  mstch::array rows;
  for (const PartnerSite& site : PartnerSiteStore::OfPartner(connection, partner.id))
    rows.emplace_back(SiteRow(site, action));
  const bool entitled = subscriptions::SubscriptionStore::For(connection, partner.id, today)
                            .Has(subscriptions::ProductCode::kOption2);
  return context.Page("operator_partner_site",
                      mstch::map{
                          {"title", "Site du territoire — " + partner.name + " — VivroVert"},
                          {"partner_name", partner.name},
                          {"partner_page", "/operateur/partenaires/" + std::to_string(partner.id)},
                          {"action", action},
                          {"sites", rows},
                          {"has_sites", !rows.empty()},
                          {"entitled", entitled},
                          {"error", error.ok() ? std::string() : std::string(error.message())},
                          {"error_field", error.ok() ? std::string() : error.field()},
                          {"host", input.host},
                          {"site_name", input.site_name},
                          {"primary_colour", input.primary_colour},
                          {"accent_colour", input.accent_colour},
                          {"logo_url", input.logo_url},
                          {"introduction", input.introduction},
                          {"legal_text", input.legal_text},
                          {"margin_km", input.margin_km},
                          {"max_margin_km", kMaxSiteMarginKm},
                      },
                      status);
}

}  // namespace

PartnerSiteResolver::PartnerSiteResolver(storage::Database& database, const Clock& clock,
                                         const engine::GridFile* grid, std::string public_base_url)
    : database_(database),
      clock_(clock),
      grid_(grid),
      scheme_(public_base_url.starts_with("https://") ? "https" : "http") {}

std::shared_ptr<const web::HostSite> PartnerSiteResolver::Resolve(const web::Request& request) {
  const std::string header = Trim(request.Header("Host").value_or(""));
  if (header.empty()) return nullptr;
  const int64_t now = clock_.NowSeconds();
  {
    std::lock_guard lock(mutex_);
    auto found = cache_.find(header);
    if (found != cache_.end() && found->second.until > now) return found->second.site;
  }
  std::shared_ptr<const web::HostSite> site = Load(NormalizeHost(header), scheme_ + "://" + header);
  std::lock_guard lock(mutex_);
  if (cache_.size() >= kMaxCachedHosts) cache_.clear();
  cache_[header] = Cached{site, now + kSiteCacheSeconds};
  return site;
}

void PartnerSiteResolver::Forget() {
  std::lock_guard lock(mutex_);
  cache_.clear();
}

std::shared_ptr<const web::HostSite> PartnerSiteResolver::Load(const std::string& host,
                                                               const std::string& origin) {
  if (host.empty()) return nullptr;
  storage::Connection connection = database_.Acquire();
  std::optional<PartnerSite> configured = PartnerSiteStore::FindByHost(connection, host);
  if (!configured) return nullptr;
  std::optional<Partner> partner = PartnerStore::Get(connection, configured->partner_id);
  if (!partner) return nullptr;
  if (!subscriptions::SubscriptionStore::For(connection, partner->id,
                                             ParisDate(clock_.NowSeconds()))
           .Has(subscriptions::ProductCode::kOption2)) {
    return nullptr;
  }
  auto site = std::make_shared<web::HostSite>();
  site->host = configured->host;
  site->origin = origin;
  site->partner_id = partner->id;
  site->partner_slug = partner->slug;
  site->name = configured->site_name.empty() ? partner->name : configured->site_name;
  site->primary_colour = configured->primary_colour;
  site->accent_colour = configured->accent_colour;
  site->logo_url = configured->logo_url;
  site->introduction = configured->introduction;
  site->legal_text = configured->legal_text;
  site->margin_km = configured->margin_km;
  if (grid_ != nullptr) {
    Result<engine::Territory> territory = ResolveTerritory(connection, *grid_, *partner);
    if (territory.ok())
      site->search_communes = SearchCommunes(*grid_, *territory, configured->margin_km);
  }
  return site;
}

std::vector<std::string> SearchCommunes(const engine::GridFile& grid,
                                        const engine::Territory& territory, int margin_km) {
  const std::vector<engine::CommuneRef>& communes = grid.communes();
  std::vector<bool> chosen(communes.size(), false);
  for (uint32_t commune_idx : territory.communes()) chosen[commune_idx] = true;
  if (margin_km > 0) {
    for (size_t candidate_idx = 0; candidate_idx < communes.size(); ++candidate_idx) {
      const engine::CommuneRef& candidate = communes[candidate_idx];
      if (chosen[candidate_idx] || !candidate.has_centre()) continue;
      for (uint32_t member_idx : territory.communes()) {
        const engine::CommuneRef& member = communes[member_idx];
        if (member.has_centre() && DistanceKm(candidate.latitude, candidate.longitude,
                                              member.latitude, member.longitude) <= margin_km) {
          chosen[candidate_idx] = true;
          break;
        }
      }
    }
  }
  std::vector<std::string> codes;
  for (size_t commune_idx = 0; commune_idx < communes.size(); ++commune_idx) {
    if (chosen[commune_idx]) codes.push_back(communes[commune_idx].code);
  }
  std::sort(codes.begin(), codes.end());
  codes.erase(std::unique(codes.begin(), codes.end()), codes.end());
  return codes;
}

void RegisterPartnerSitePages(web::App& app, storage::Database& database,
                              PartnerSiteResolver& resolver) {
  // The site's colours as a stylesheet of its own: the pages' Content-Security-Policy
  // allows no inline style.
  app.Get("/site.css", [](Context& context) -> Result<Response> {
    const web::HostSite* site = context.site();
    if (site == nullptr) return NotFound("Page introuvable.");
    Response response(200);
    response.SetHeader("Content-Type", "text/css; charset=utf-8");
    response.SetHeader("Cache-Control", "no-cache");
    // The colours were checked as "#rrggbb" when saved.
    response.set_body(".site-header { background: " + site->primary_colour +
                      "; border-bottom: 0.35rem solid " + site->accent_colour +
                      "; }\n.partner-brand { display: inline-flex; align-items: center; gap: "
                      "0.5rem; }\n.partner-brand img { max-height: 2.5rem; width: auto; }\n");
    return response;
  });

  app.Get("/operateur/partenaires/{id}/site",
          [&database](Context& context) -> Result<Response> {
            VV_ASSIGN_OR_RETURN(int64_t id, ParsePageId(context.Param("id")));
            storage::Connection connection = database.Acquire();
            std::optional<Partner> partner = PartnerStore::Get(connection, id);
            if (!partner) return NotFound("Partenaire introuvable.");
            PartnerSiteInput input;
            return SitePage(context, connection, *partner, input, Status::Ok(), 200,
                            ParisDate(context.Now()));
          },
          {.access = web::Access::kOperator});

  app.Post("/operateur/partenaires/{id}/site",
           [&database, &resolver](Context& context) -> Result<Response> {
             VV_ASSIGN_OR_RETURN(int64_t id, ParsePageId(context.Param("id")));
             storage::Connection connection = database.Acquire();
             std::optional<Partner> partner = PartnerStore::Get(connection, id);
             if (!partner) return NotFound("Partenaire introuvable.");
             const web::Request& request = context.request();
             PartnerSiteInput input;
             input.host = request.Form("host").value_or("");
             input.site_name = request.Form("site_name").value_or("");
             input.primary_colour = request.Form("primary_colour").value_or("");
             input.accent_colour = request.Form("accent_colour").value_or("");
             input.logo_url = request.Form("logo_url").value_or("");
             input.introduction = request.Form("introduction").value_or("");
             input.legal_text = request.Form("legal_text").value_or("");
             Status status = Status::Ok();
             const std::string margin = Trim(request.Form("margin_km").value_or("0"));
             if (margin.empty() || margin.size() > 3 ||
                 !std::all_of(margin.begin(), margin.end(),
                              [](char c) { return c >= '0' && c <= '9'; })) {
               status = InvalidArgument("Marge autour du territoire : un nombre entier de km.",
                                        "margin_km");
             } else {
               input.margin_km = std::stoi(margin);
             }
             if (status.ok()) {
               Result<PartnerSite> saved =
                   PartnerSiteStore::Save(connection, partner->id, input, context.Now());
               if (!saved.ok()) status = saved.status();
             }
             if (!status.ok()) {
               return SitePage(context, connection, *partner, input, status, 422,
                               ParisDate(context.Now()));
             }
             resolver.Forget();
             return Response::Redirect("/operateur/partenaires/" + std::to_string(id) + "/site");
           },
           {.access = web::Access::kOperator});

  app.Post("/operateur/partenaires/{id}/site/{site}/retrait",
           [&database, &resolver](Context& context) -> Result<Response> {
             VV_ASSIGN_OR_RETURN(int64_t id, ParsePageId(context.Param("id")));
             VV_ASSIGN_OR_RETURN(int64_t site_id, ParsePageId(context.Param("site")));
             storage::Connection connection = database.Acquire();
             VV_RETURN_IF_ERROR(PartnerSiteStore::Remove(connection, id, site_id));
             resolver.Forget();
             return Response::Redirect("/operateur/partenaires/" + std::to_string(id) + "/site");
           },
           {.access = web::Access::kOperator});
}

}  // namespace vivrovert::partners
