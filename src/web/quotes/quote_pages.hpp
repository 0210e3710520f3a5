// Quotes on the web (docs/BILLING.md, "Quotes", "The price simulator", "Acceptance"):
//
//   /tarifs                          public price simulator (no sign-in): kind, options, PVD
//                                    members, duration → monthly price and schedule, computed
//                                    on the server by billing::ComputeQuote; then the "Bon
//                                    pour demande de devis" form
//   POST /tarifs/demande             sends a request (consent required, CSRF, rate-limited
//                                    per client network); /tarifs/demande-envoyee thanks
//   POST /api/v1/billing/quote       the quote as JSON (the fields of `vivrovert billing
//                                    quote`); 400 JSON naming the field on bad input
//   /operateur/devis                 requests waiting (late ones past 3 days highlighted),
//                                    recent quotes; POST /operateur/demandes-devis/{id}/traitee
//   /operateur/devis/nouveau         quote form with the computed lines and schedule shown
//                                    before saving; POST /operateur/devis saves a draft
//   /operateur/devis/{id}            its page; POST …/envoyer, …/retirer; …/devis.pdf
//   /partenaire/{slug}/devis/{id}/devis.pdf  the PDF, for the partner's staff
//   /partenaire/{slug}/devis[/{id}]  the partner's quotes; its administrator accepts one
//                                    (POST …/{id}/accepter: typed name, "Bon pour accord")
//
// Thread safety: the routes share only thread-safe parts.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "core/common/env.hpp"
#include "core/storage/database.hpp"
#include "domain/limits/rate_limiter.hpp"
#include "domain/subscriptions/subscriptions.hpp"
#include "web/http/app.hpp"

namespace vivrovert::quotes {

struct QuotePagesEnv {
  storage::Database& database;
  const Clock& clock;
  api::SharedRateLimiter& api_limiter;  // the public API's per-client budget
  std::vector<std::string> seller;      // the PDF's issuer: name first, then its mentions
  // Called after a quote's acceptance recorded its contract (committed): the site issues the
  // invoices due at once. May be empty.
  std::function<void(const subscriptions::Contract&)> contract_accepted;
};

// `env`'s references must outlive the app.
void RegisterQuotePages(web::App& app, QuotePagesEnv env);

}  // namespace vivrovert::quotes
