// The partner's leads in its back-office:
//
//   /partenaire/{slug}/contacts               counts over time (chart and table), the
//                                             consented people with what they share,
//                                             filters (période, commune, type, souhait)
//   /partenaire/{slug}/contacts/export.csv    the filtered list, CSV (formula-safe)
//   /partenaire/{slug}/contacts/export.xlsx   the same, XLSX
//
// Any staff member of the partner (and operators) may see them; anyone else gets 404
// (web/partners/partner_access.hpp). Nothing about a person is shown without their consent.
//
// Thread safety: the routes share only thread-safe parts.
#pragma once

#include "core/common/env.hpp"
#include "core/storage/database.hpp"
#include "domain/display/labels.hpp"
#include "engine/engine.hpp"
#include "web/http/app.hpp"

namespace vivrovert::leads {

// `database`, `clock` and `grid` (null when no grid is built: commune names are then
// codes) must outlive the app.
void RegisterLeadPages(web::App& app, storage::Database& database, const Clock& clock,
                       const engine::GridFile* grid, const display::Labels& labels);

}  // namespace vivrovert::leads
