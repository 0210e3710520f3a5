// The partner's attractiveness barometer (option 1, issue #20):
//
//   /partenaire/{slug}/barometre   the demand that could reach the territory and the share
//                                  turning it green (by week, trend), and the criteria in
//                                  retreat; every chart has its table
//
// Gated by the option 1 entitlement (web/partners/partner_access.hpp: without it the page
// says what the option offers); any staff member of the partner and operators may see it.
// The figures come from the recorded demand (domain/demand), updated by the server's
// demand worker every few seconds; demonstration demand is labelled "démo".
//
// Thread safety: the routes share only thread-safe parts.
#pragma once

#include "core/common/env.hpp"
#include "core/storage/database.hpp"
#include "domain/demand/barometer.hpp"
#include "domain/demand/comparable.hpp"
#include "domain/display/labels.hpp"
#include "engine/engine.hpp"
#include "web/http/app.hpp"

namespace vivrovert::barometer {

// The period the page shows: the last kPeriodDays Paris days, today included.
inline constexpr int kPeriodDays = demand::kBarometerPeriodDays;

// `database`, `clock`, `grid` (null without a grid: the page says the figures need it),
// `regions` (null without the COG files: no comparison among territories) and `labels`
// (ROME codes read out as job titles) must outlive the app.
void RegisterBarometerPages(web::App& app, storage::Database& database, const Clock& clock,
                            const engine::GridFile* grid,
                            const demand::RegionsOfDepartements* regions,
                            const display::Labels& labels);

}  // namespace vivrovert::barometer
