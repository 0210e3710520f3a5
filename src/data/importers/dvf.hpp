// Median price per m² of houses and of flats per 1 km INSPIRE cell, from the DGFiP
// "Demandes de valeurs foncières" as Etalab publishes them geolocated ("DVF géolocalisées",
// geo-DVF): CSV ',' in UTF-8, one row per (mutation, parcel, local), the rows of a mutation
// consecutive and sharing `id_mutation`, `valeur_fonciere` repeated on each of them,
// `longitude`/`latitude` (WGS84) of the parcel. One file per département and year, or the
// national file per year.
//
// Which sales count (docs/CRITERIA.md):
//  - mutations whose `nature_mutation` is "Vente" (not VEFA, auctions, exchanges,
//    expropriations, building land), with a `valeur_fonciere`;
//  - holding exactly one dwelling (`code_type_local` 1 Maison or 2 Appartement; the same
//    local repeated on several rows counts once) and no business premises (code 4);
//    outbuildings (code 3) and land may come with it, their price is part of the sale;
//  - a dwelling of at least 9 m² (`surface_reelle_bati`; the legal minimum of a dwelling),
//    located (longitude/latitude present).
// Price per m² = valeur_fonciere / surface_reelle_bati. "Now" is the latest
// `date_mutation` of the files (not the clock, so the same files give the same values);
// the sales of the 5 years before it count (date > now − 5 years).
//
// Per cell and per kind: the median of the sales inside the cell when there are at least
// kMinSales; else of those within 2 km of the cell centre, else within 5 km, when there
// are at least kMinSales; else no value. The number of sales used is kept beside the
// price (criteria price_m2_house_sales, price_m2_flat_sales).
//
// The layer covers the départements present in the files: DVF has none for the Bas-Rhin,
// the Haut-Rhin and the Moselle (Alsace-Moselle land register), which stay missing.
//
// Errors: NotFound (file); InvalidArgument naming file, line and column for a malformed
// value (a date that is not YYYY-MM-DD, a number that is not one, coordinates out of range).
//
// Thread safety: reentrant.
#pragma once

#include <string>
#include <vector>

#include "core/common/status.hpp"
#include "data/importers/import_layer.hpp"

namespace vivrovert::importers {

struct DvfRules {
  int min_sales = 10;                          // below this, no value
  std::vector<double> radii_m = {2000, 5000};  // tried in order when the cell has too few
  int years = 5;
  double min_surface_m2 = 9;
};

Result<ImportLayer> ImportDvf(const std::vector<std::string>& files, const DvfRules& rules,
                              const ProgressFn& progress);

}  // namespace vivrovert::importers
