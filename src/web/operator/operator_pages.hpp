// The operator's console (/operateur/…): every partner and their territories, all listings
// and imports, the mail queue and the audience figures. Every route is declared for
// operators only (web::Access::kOperator): others get the login page or a 404.
//
//   /operateur                          partners, listings, imports, mail ("Courrier":
//                                       counts, last failures, bouncing addresses), audience
//   POST /operateur/courrier/reactiver  an address the relay refused works again
//   /operateur/partenaires/nouveau, /operateur/partenaires[/{id}]
//                                       create or edit a partner: kind, name, territory
//                                       (communes, EPCI, départements checked against the
//                                       grid), members of a grouping, lead report frequency
//
// Thread safety: the routes share only thread-safe parts.
#pragma once

#include "web/http/app.hpp"
#include "web/partners/partner_pages.hpp"

namespace vivrovert::partners {

// `env`'s references must outlive the app (the partner pages' environment).
void RegisterOperatorPages(web::App& app, PartnerPagesEnv env);

}  // namespace vivrovert::partners
