// Importers of the national files that give points (equipments, schools), each read as
// published and streamed row by row:
//  - INSEE "Base permanente des équipements" (BPE), ensemble géolocalisé: CSV ';', one row
//    per equipment with TYPEQU and DEPCOM; coordinates in LONGITUDE/LATITUDE (WGS84, BPE
//    2023 and later) or LAMBERT_X/LAMBERT_Y (Lambert-93 in metropolitan France, EPSG column
//    when present; BPE 2021 and 2022 have only these). The vintage is the AN or REF_YEAR
//    column.
//  - Ministère de l'Éducation nationale, "Annuaire de l'éducation" (fr-en-annuaire-education):
//    CSV ';' with a BOM, latitude/longitude (WGS84), else coordonnee_X/coordonnee_Y with
//    their epsg column; code_nature, etat, Code_departement.
// Which codes measure which criterion is data: data/bpe_classes.json and
// data/education_classes.json. Only codes and numbers are read, so the importers do not
// depend on the file's encoding (UTF-8 or Windows-1252).
//
// Rows outside metropolitan France (the grid's extent) or without coordinates are skipped
// and counted; a malformed value is an error naming the file, the row and the column.
//
// Thread safety: reentrant.
#pragma once

#include <string>
#include <vector>

#include "core/common/status.hpp"
#include "data/importers/import_layer.hpp"

namespace vivrovert::importers {

// One criterion and the codes that measure it.
struct PointClass {
  std::string criterion;
  std::vector<std::string> codes;     // exact codes (TYPEQU, code_nature)
  std::vector<std::string> prefixes;  // every code starting with one of these
  double count_radius_m = 0;          // > 0: a count within this radius, not a distance

  bool Matches(std::string_view code) const;
};

// Reads data/bpe_classes.json. Errors name the class and the field.
Result<std::vector<PointClass>> LoadBpeClasses(const std::string& path);

struct EducationClasses {
  std::vector<PointClass> classes;       // codes are code_nature values
  std::vector<std::string> open_states;  // values of `etat` that count
};

// Reads data/education_classes.json.
Result<EducationClasses> LoadEducationClasses(const std::string& path);

// Reads BPE files (any vintage since 2021) into a layer of points per criterion.
Result<ImportLayer> ImportBpe(const std::vector<std::string>& files,
                              const std::vector<PointClass>& classes, const ProgressFn& progress);

// Reads Annuaire de l'éducation files into a layer of points per criterion. The layer
// covers the départements present in the files (all of them for the national file).
Result<ImportLayer> ImportEducationAnnuaire(const std::vector<std::string>& files,
                                            const EducationClasses& classes,
                                            const ProgressFn& progress);

}  // namespace vivrovert::importers
