// Amenities ("équipements") around a point: every point set that a distance criterion of
// the catalogue measures (dist_station_km → the SNCF stations, dist_hospital_km → the
// acute-care hospitals, dist_school_km → the schools of an import layer…), with its
// source and vintage, queried by nearest and within a radius, in straight line.
//
// A kind of amenity is named by the criterion it measures, so the saved property page can
// tell, for a person's threshold "dist_station_km ≤ 10", whether a station lies within it.
// Distances are measured like the grid's: in the plane of ETRS89-LAEA (EPSG:3035, metres,
// through PROJ), on a KD-tree per kind (data/grid_builder/nearest.hpp).
//
// Thread safety: an AmenityIndex is immutable once built; its queries may run from
// several threads at once (each thread projects with its own PROJ context).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/status.hpp"
#include "data/geo/projection.hpp"

namespace vivrovert::amenities {

struct AmenitySource {
  std::string publisher;
  std::string dataset;
  std::string vintage;
  std::string url;     // where to get it (the catalogue's), may be empty
  std::string origin;  // the data sub-folder or import layer the points came from
  // Départements the source covers entirely; empty when it covers metropolitan France.
  std::vector<std::string> departements;
};

struct Amenity {
  std::string name;          // empty when the source names no one (BPE, annuaire layers)
  std::string commune_code;  // INSEE code; empty when the source gives none
  geo::Point wgs84;          // longitude, latitude
};

// The points one distance criterion is measured to.
struct AmenityKind {
  std::string criterion;  // catalogue id, e.g. "dist_station_km"
  std::string label;      // French, the catalogue's label ("Gare")
  AmenitySource source;
  std::vector<Amenity> points;
};

struct FoundAmenity {
  const AmenityKind* kind = nullptr;
  const Amenity* amenity = nullptr;
  double distance_m = 0;
};

class AmenityIndex {
 public:
  // The most points one place has (Paris: 20 arrondissements).
  static constexpr size_t kMaxPointsPerPlace = 20;

  // Projects every point to EPSG:3035 and indexes each kind. Points PROJ cannot project
  // are left out. Errors: InvalidArgument when PROJ is unusable or a criterion repeats.
  static Result<AmenityIndex> Build(std::vector<AmenityKind> kinds);

  AmenityIndex(AmenityIndex&&) noexcept;
  AmenityIndex& operator=(AmenityIndex&&) noexcept;
  ~AmenityIndex();

  const std::vector<AmenityKind>& kinds() const;
  // The kind measured for `criterion`, or nullptr.
  const AmenityKind* Find(std::string_view criterion) const;

  // The nearest amenity of `criterion` to a WGS84 point; nullopt when there is no such
  // kind, it has no point, or the point cannot be projected.
  std::optional<FoundAmenity> Nearest(std::string_view criterion, double longitude,
                                      double latitude) const;
  // The amenities of `criterion` within `radius_m`, nearest first, at most `max_count`.
  // A named place with several points (the same name and commune: Paris, Lyon and
  // Marseille are a point per arrondissement) is found once, at its nearest point; up to
  // kMaxPointsPerPlace points of one place are skipped.
  std::vector<FoundAmenity> Within(std::string_view criterion, double longitude, double latitude,
                                   double radius_m, size_t max_count) const;

  // Straight-line distance in metres between two WGS84 points, in the EPSG:3035 plane
  // like every distance above; nullopt when a point cannot be projected.
  static std::optional<double> DistanceMetres(double longitude_a, double latitude_a,
                                              double longitude_b, double latitude_b);

 private:
  struct Indexed;
  explicit AmenityIndex(std::unique_ptr<Indexed> indexed);
  std::unique_ptr<Indexed> indexed_;
};

// Whether `departement` (code) is covered by `source` (all of France when it names none).
bool Covers(const AmenitySource& source, const std::string& departement);

}  // namespace vivrovert::amenities
