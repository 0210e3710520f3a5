// The legal pages, linked from every page's footer (templates/pages/layout.mustache):
//   GET /mentions-legales   publisher, publication director, host (LCEN art. 6)
//   GET /confidentialite    privacy policy: each processing, its RGPD legal basis, the
//                           retention table, the audience figures, people's rights
//   GET /cgu                terms of use
//   GET /accessibilite      accessibility statement (RGAA 4.1, partially compliant)
// The publisher's identity comes from the configuration (`publisher.*`); a key left
// empty is shown as "à renseigner", never invented.
//
// Thread safety: the routes only read `publisher`, copied at registration.
#pragma once

#include "core/config/config.hpp"
#include "web/http/app.hpp"

namespace vivrovert::legal {

inline constexpr const char* kMentionsPath = "/mentions-legales";
inline constexpr const char* kPrivacyPath = "/confidentialite";
inline constexpr const char* kTermsPath = "/cgu";
inline constexpr const char* kAccessibilityPath = "/accessibilite";

void RegisterLegalPages(web::App& app, const PublisherConfig& publisher);

}  // namespace vivrovert::legal
