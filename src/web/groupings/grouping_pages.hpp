// PVD groupings (issue 22, option 4): a grouping subscribes for its member collectivités,
// grants each member options, and is their one interlocutor (docs/BILLING.md).
//
//   /partenaire/{slug}/membres              the grouping's members: one line per member with
//                                           its leads and listings, their sum (the
//                                           consolidated view), each member's space (its
//                                           own view, which the grouping's staff manage),
//                                           the members that left, and the price the grants
//                                           come to under the PVD rule
//   POST /partenaire/{slug}/membres/attributions
//                                           the grouping's administrators grant options 1–3
//                                           member by member
//   /operateur/partenaires/{id}/membres     operators: who runs the grouping, members with
//                                           their dates; attach a member from a day, record
//                                           a departure on a day
//
// Who sees what: the grouping's staff and operators see the grouping's pages and every
// member's (partners::AccessFor); a member's staff see only their own space, never the
// grouping's nor another member's. A member is one from its joined day to its left day.
//
// Thread safety: the routes share only thread-safe parts.
#pragma once

#include "web/http/app.hpp"
#include "web/partners/partner_pages.hpp"

namespace vivrovert::groupings {

// `env`'s references must outlive the app (the partner pages' environment; its
// territory_changed runs for the grouping when its members change).
void RegisterGroupingPages(web::App& app, partners::PartnerPagesEnv env);

}  // namespace vivrovert::groupings
