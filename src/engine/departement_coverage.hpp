// Where a criterion's values lie, by département, read from a grid file's columns: a
// partial criterion (the Annuaire de l'éducation of one département, a local DEM) is named
// with the départements that hold its values on the search page and in GET
// /api/v1/criteria (CatalogueToJson), by the rule of docs/CRITERIA.md's table
// (`grid info --markdown`, which applies it at 1 km).
//
// A tile counts in the département of the commune covering most of it ("" for a tile
// without commune). Computing it reads every code of the level once.
//
// Thread safety: a computed DepartementCoverage is an immutable value.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "engine/grid_file.hpp"

namespace vivrovert::engine {

struct DepartementCoverage {
  // A partial criterion names the départements holding its values when at most
  // kNamedDepartements hold kNamedShare of them.
  static constexpr size_t kNamedDepartements = 3;
  static constexpr double kNamedShare = 0.95;

  size_t tile_count = 0;
  std::vector<std::string> departements;    // codes, ascending
  std::vector<size_t> departement_tiles;    // per département: its tiles at this level
  std::vector<std::vector<size_t>> valued;  // [criterion][département]: tiles with a value

  // Tiles of the level with a value of the criterion.
  size_t Present(size_t criterion_idx) const;

  struct Where {
    std::string departement;  // code
    double share = 0;         // of its tiles with a value
  };
  struct Named {
    std::vector<Where> departements;  // most values first, then by code
    bool others = false;              // some values lie in other départements too
  };
  // The départements holding most of a partial criterion's values (see kNamedShare);
  // empty when the criterion has no value, a value on every tile, or values spread wider.
  Named NamedDepartements(size_t criterion_idx) const;
};

// The coverage of every criterion of `level`; an empty one (no tile) when the grid has no
// such level.
DepartementCoverage ComputeDepartementCoverage(const GridFile& grid, Level level);

}  // namespace vivrovert::engine
