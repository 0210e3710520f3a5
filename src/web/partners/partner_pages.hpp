// The partner back-office (/partenaire/{slug}/…): French HTML pages over the partner store
// and the listing service. The operator's console is its own part (web/operator).
//
//   /partenaire                         the partners of the signed-in staff member
//   /partenaire/{slug}                  dashboard: counts, listings table with filters
//   /partenaire/{slug}/annonces/…       create, edit, withdraw a listing
//   /partenaire/{slug}/import[/{id}]    upload a CSV/JSON file (dry run or real), reports
//   /partenaire/{slug}/modele/{kind}.csv, export.csv, export.xlsx
//   /partenaire/{slug}/cles             API keys (shown once), revocation
//   /partenaire/{slug}/equipe           staff: invite by e-mail, roles, removal
//   /partenaire/{slug}/carte            the territory's tiles and listings (SVG map)
//
// Authorisation: a staff member sees only the partners they belong to, with their role
// (viewer: read; editor: listings and imports; admin: keys and staff too); an operator
// sees and manages every partner. Anything else is 404 (a partner's existence is not
// revealed to others) or a redirect to the login page.
//
// Thread safety: the routes share only thread-safe parts.
#pragma once

#include <functional>

#include "core/common/env.hpp"
#include "core/storage/database.hpp"
#include "domain/accounts/account_service.hpp"
#include "domain/display/labels.hpp"
#include "domain/listings/listing_service.hpp"
#include "web/http/app.hpp"

namespace vivrovert::partners {

struct PartnerPagesEnv {
  storage::Database& database;
  listings::ListingService& listings;
  accounts::AccountService& accounts;
  Random& random;
  std::function<void()> mail_queued;  // nudges the mail worker after an invitation
  // Called after an operator created a partner or changed one (its territory may have
  // changed; leads attributed to it are recomputed). May be empty.
  std::function<void(storage::Connection& connection, int64_t partner_id)> territory_changed;
  // The day ("YYYY-MM-DD") of a UTC time for the console's audience figures, as the
  // audience counter names days (Europe/Paris in the server). Empty: the UTC date.
  std::function<std::string(int64_t)> audience_day;
  // Reads out stored values (communes, choices, ROME codes) on every page.
  const display::Labels& labels;
};

// `env`'s references must outlive the app.
void RegisterPartnerPages(web::App& app, PartnerPagesEnv env);

}  // namespace vivrovert::partners
