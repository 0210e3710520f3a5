// Where a source that covers only some départements can be trusted.
//
// A distance measured from a file of one département (the Annuaire de l'éducation of
// Ille-et-Vilaine, a BPE extract) is only true where no point outside that département
// could be nearer: for a tile whose centre lies inside the covered area, any outside point
// is at least as far as the area's border. So a tile keeps a distance d only when
// d ≤ its "reach", the distance from its centre to the border of the covered area (and a
// count within radius r only when r ≤ reach). Tiles outside the area have no reach.
// The border is conservative: the coast counts as a border too.
//
// Thread safety: reentrant (one GEOS context per call).
#pragma once

#include <string>
#include <vector>

#include "data/geo/geography.hpp"
#include "data/grid_builder/contours.hpp"
#include "data/grid_builder/coverage.hpp"

namespace vivrovert::grid_builder {

// Per tile of `fine` (in its order): the distance in metres from the tile centre to the
// border of the union of the communes of `departements`, or NaN when the centre is not
// inside it or the commune covering most of the tile is not in one of them. Only the
// contours of the build are known: a covered département outside the build makes the
// area smaller, never larger, so the rule stays conservative.
std::vector<double> ReachInsideDepartements(const std::vector<CommuneContour>& contours,
                                            const geo::Geography& geography,
                                            const std::vector<std::string>& departements,
                                            const LevelCoverage& fine);

}  // namespace vivrovert::grid_builder
