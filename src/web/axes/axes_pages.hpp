// The three axes of the territory's action (issue #21, option 2 "territory platform"):
//
//   GET  /partenaire/{slug}/axes              per axis (production, tourism, residential):
//                                             the partner's listings online, the people
//                                             told of them in 90 days, each against the
//                                             goal the partner set, with its progress
//   POST /partenaire/{slug}/axes/objectifs    editors set or clear the six goals at once
//
// Gated by the option 2 entitlement; any staff member sees the page, editors and
// administrators (and operators) set goals. Figures: domain/axes.
//
// Thread safety: the routes share only thread-safe parts.
#pragma once

#include "core/common/env.hpp"
#include "core/storage/database.hpp"
#include "web/http/app.hpp"

namespace vivrovert::axes {

// `database` and `clock` must outlive `app`.
void RegisterAxesPages(web::App& app, storage::Database& database, const Clock& clock);

}  // namespace vivrovert::axes
