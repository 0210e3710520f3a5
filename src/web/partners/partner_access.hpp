// Who may open a partner's pages, and with which rights: the one check every back-office
// page (listings, leads, staff, keys) goes through.
//
// A staff member sees only the partners they belong to, with their role (viewer: read;
// editor: listings and imports; admin: keys and staff too), and the members of the
// groupings they belong to, on the days they are members, with their role in the grouping
// (a member's staff never see another member, nor the grouping); an operator acts as an
// admin on every partner. Anyone else gets NotFound, so a partner's existence is not revealed.
//
// What the partner bought decides what its pages offer: a page needing a product is
// declared with Entitled(…) and, without a subscription in force today (Paris), says what
// the product offers, its price for this partner and how to ask for it.
//
// Thread safety: stateless functions.
#pragma once

#include <mstch/mstch.hpp>
#include <optional>
#include <string>

#include "core/common/status.hpp"
#include "core/storage/database.hpp"
#include "domain/partners/partner_store.hpp"
#include "domain/subscriptions/subscriptions.hpp"
#include "web/http/app.hpp"

namespace vivrovert::partners {

// The partner a page is about, and what the signed-in person may do there.
struct Access {
  Partner partner;
  bool operator_access = false;
  StaffRole role = StaffRole::kViewer;       // operators act as admins
  std::string today;                         // Paris, "AAAA-MM-JJ"
  subscriptions::Entitlements entitlements;  // in force today
  // The back-office section of the page, the first segment of the path after the partner's
  // base ("contacts", "carte"…; "annonces" for the dashboard): the navigation marks it.
  std::string section;
  // Set when the person acts as staff of a grouping the partner is a member of today (PVD:
  // the grouping's staff manage its members' pages with their role in the grouping).
  std::optional<Partner> through_grouping;

  bool can_edit() const { return operator_access || CanEdit(role); }
  bool can_administer() const { return operator_access || CanAdminister(role); }
};

// "/partenaire/{slug}".
std::string PartnerBase(const Partner& partner);

// Resolves the route's {slug} and the person's rights. Errors: Unauthenticated (no
// session), NotFound (no such partner, or not theirs), PermissionDenied (role too low).
Result<Access> AccessFor(web::Context& context, storage::Database& database, bool need_edit = false,
                         bool need_admin = false);

// Wraps a back-office page handler: people without a session are sent to the login page,
// which brings them back here afterwards.
template <typename Handler>
auto SignedIn(Handler handler) {
  return [handler](web::Context& context) -> Result<web::Response> {
    if (!context.user())
      return web::Response::Redirect(web::LoginPathReturningTo(context.request().path()));
    return handler(context);
  };
}

// The page saying the partner lacks `product` (HTTP 403): what it offers, its price, how to
// ask for it.
Result<web::Response> NotEntitledPage(web::Context& context, const Access& access,
                                      subscriptions::ProductCode product);

// Wraps a back-office page that needs `product` in force for the route's partner: people
// without a session go to the login page, people without access get AccessFor's answer,
// and a partner without the product gets NotEntitledPage. The handler runs only when the
// product is in force (it still calls AccessFor for its own rights).
template <typename Handler>
auto Entitled(storage::Database& database, subscriptions::ProductCode product, Handler handler) {
  return SignedIn([&database, product, handler](web::Context& context) -> Result<web::Response> {
    VV_ASSIGN_OR_RETURN(Access access, AccessFor(context, database));
    if (!access.entitlements.Has(product)) return NotEntitledPage(context, access, product);
    return handler(context);
  });
}

// The partner's name, kind, role, links and lead report frequency, as the back-office pages
// show them.
mstch::map PartnerData(const Access& access);

}  // namespace vivrovert::partners
