// Similarity between territories over their criteria ("les 10 territoires les plus proches
// du vôtre", "vous aimez X : voyez Y", a commune page's "communes au profil proche"), method
// in docs/SKILLS.md, "Similar territories". The units compared are every EPCI or every
// commune of the grid (`Unit`):
//  - a territory's raw profile: for each criterion of the catalogue, the mean of its tiles'
//    values at the index's level (tiles without a value left out; a tile belongs to every
//    territory one of whose communes overlaps it, engine/territory.hpp);
//  - standardised: each criterion's mean minus the mean over every unit of the grid, divided
//    by their standard deviation (a z-score), so that a criterion in euros and one in
//    kilometres weigh the same, and a unit change changes nothing;
//  - distance between two profiles: the root mean square of the differences over the
//    criteria both have (missing on either side: left out); no shared criterion: infinite.
//    Nearest first, then code.
//
// Thread safety: an index is immutable once built; share it. It borrows nothing.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "engine/engine.hpp"

namespace vivrovert::similarity {

// What is compared: intercommunalities (SIREN) or communes (INSEE code).
enum class Unit { kEpci, kCommune };

struct Neighbour {
  std::string code;  // the unit's: an EPCI's SIREN or a commune's INSEE code
  double distance = std::numeric_limits<double>::infinity();
};

class SimilarityIndex {
 public:
  // Profiles of every unit of the grid at `level` (one pass over the level's tiles).
  static SimilarityIndex Build(const engine::GridFile& grid,
                               engine::Level level = engine::Level::k1km, Unit unit = Unit::kEpci);

  engine::Level level() const { return level_; }
  Unit unit() const { return unit_; }
  size_t criterion_count() const { return criteria_; }
  // The units' codes, ascending.
  const std::vector<std::string>& codes() const { return codes_; }

  // The standardised profile of the territory made of `tiles` (storage indices at the
  // index's level); NaN for a criterion none of its tiles has.
  std::vector<double> ProfileOf(const engine::GridFile& grid,
                                const std::vector<uint32_t>& tiles) const;
  // The standardised profile of a unit of the index; empty when unknown.
  std::vector<double> ProfileOfUnit(std::string_view code) const;
  // Distance between two standardised profiles.
  static double Distance(const std::vector<double>& a, const std::vector<double>& b);
  // The `k` units nearest to `profile`, nearest first, without those in `exclude`.
  std::vector<Neighbour> Nearest(const std::vector<double>& profile, size_t k,
                                 const std::vector<std::string>& exclude = {}) const;

 private:
  engine::Level level_ = engine::Level::k1km;
  Unit unit_ = Unit::kEpci;
  size_t criteria_ = 0;
  std::vector<double> centre_;  // per criterion: mean of the units' means
  std::vector<double> spread_;  // per criterion: their standard deviation (0: unusable)
  std::vector<std::string> codes_;
  std::vector<double> profiles_;  // codes_.size() × criteria_, standardised, NaN missing
};

}  // namespace vivrovert::similarity
