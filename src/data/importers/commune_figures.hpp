// Importers of figures published per commune, which the grid builder spreads over the
// tiles a commune overlaps (area-weighted mean, as the bundled commune figures):
//  - INSEE, "Base du comparateur de territoires" (base_cc_comparateur.csv, CSV ';', one
//    row per commune, CODGEO then variables suffixed by their year: P22_LOG, MED21…).
//    Kept: MEDyy (median disposable income per consumption unit, Filosofi) →
//    median_income_eur; TP60yy (poverty rate at 60 %) → poverty_rate_pct; Pyy_RSECOCC and
//    Pyy_LOGVAC over Pyy_LOG (second and vacant homes, census) → second_homes_pct,
//    vacant_homes_pct. Whichever year the file has: the vintage names them.
//  - ARCEP, observatory of fixed broadband deployments, sheet "Communes" (CSV export,
//    ';' or ','): "Code commune", "Meilleure estimation des locaux à date" (or "… T4 2025"),
//    and one column of premises eligible to FttH per quarter ("T4 2017" … "T2 2024");
//    the latest quarter over the best estimate of premises → fibre_pct, at most 100 %.
// An empty cell, or one of INSEE's secrecy marks ("s", "nd", "ns", "nc"), leaves the
// commune's figure missing (counted); any other value that is not a number is an error
// naming the file, line and column. Communes overseas are skipped and counted.
//
// Thread safety: reentrant.
#pragma once

#include <string>
#include <vector>

#include "core/common/status.hpp"
#include "data/importers/import_layer.hpp"

namespace vivrovert::importers {

Result<ImportLayer> ImportInseeComparateur(const std::vector<std::string>& files,
                                           const ProgressFn& progress);

Result<ImportLayer> ImportArcepFibre(const std::vector<std::string>& files,
                                     const ProgressFn& progress);

}  // namespace vivrovert::importers
