// A partner's own site (option 2, the territory platform): the host names it answers on,
// its look (name, logo, colours), its introduction and legal page, and how far around the
// territory its search reaches (migration 0023, table `partner_sites`, one row per host).
//
// Operators configure the hosts (web/partners, the console); `vivrovert serve` routes a
// request by its Host header to the partner of that host (web/partners/partner_sites_web),
// which shows the site only while the partner holds option 2.
//
// Thread safety: stateless functions on the caller's connection. Errors: expected outcomes
// are Status values with a French message and the field; database faults throw
// storage::StorageError.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/status.hpp"
#include "core/storage/database.hpp"

namespace vivrovert::partners {

inline constexpr int kMaxSiteMarginKm = 50;

struct PartnerSite {
  int64_t id = 0;
  int64_t partner_id = 0;
  std::string host;  // lower case, no port
  std::string site_name;
  std::string primary_colour;  // "#RRGGBB"
  std::string accent_colour;
  std::string logo_url;
  std::string introduction;
  std::string legal_text;
  int margin_km = 0;
};

// What an operator enters; checked by PartnerSiteStore::Save.
struct PartnerSiteInput {
  std::string host;
  std::string site_name;
  std::string primary_colour = "#2e7d32";
  std::string accent_colour = "#f9a825";
  std::string logo_url;
  std::string introduction;
  std::string legal_text;
  int margin_km = 0;
};

// The host name of a Host header: lower case, without the port ("Exemple.FR:8080" →
// "exemple.fr"); empty for an empty or malformed header.
std::string NormalizeHost(std::string_view host_header);

// The demonstration's partner site (`make run`): the demo partner's at this host.
inline constexpr const char* kDemoSiteHost = "vivraubassindevie.localhost";

class PartnerSiteStore {
 public:
  // Adds a host to `partner_id`'s site, or updates that host's row when it is already the
  // partner's. InvalidArgument naming the field on a bad host, colour, address, margin or
  // text; AlreadyExists (field "host") when another partner has the host.
  static Result<PartnerSite> Save(storage::Connection& connection, int64_t partner_id,
                                  const PartnerSiteInput& input, int64_t now);
  // Removes one of the partner's hosts; NotFound when it is not the partner's.
  static Status Remove(storage::Connection& connection, int64_t partner_id, int64_t site_id);
  // The site answering on `host` (normalised first); nullopt when none.
  static std::optional<PartnerSite> FindByHost(storage::Connection& connection,
                                               std::string_view host);
  // The partner's hosts, by host name.
  static std::vector<PartnerSite> OfPartner(storage::Connection& connection, int64_t partner_id);
  // Every configured host, by host name (the console's list, `make run`'s banner).
  static std::vector<PartnerSite> List(storage::Connection& connection);

  // The demonstration's site for `partner_id` at kDemoSiteHost, with texts marked "démo":
  // created when missing, kept otherwise. Returns whether it was created.
  static Result<bool> SeedDemoSite(storage::Connection& connection, int64_t partner_id,
                                   int64_t now);
};

}  // namespace vivrovert::partners
