#include "domain/listings/placement.hpp"

#include <cctype>
#include <cmath>
#include <limits>

#include "data/geo/projection.hpp"
#include "domain/listings/listing_schema.hpp"

namespace vivrovert::listings {

namespace {

// The PROJ transformation WGS84 → LAEA of this thread.
Result<const geo::Projector*> ThreadProjector() {
  thread_local std::optional<geo::Projector> projector;
  if (!projector) {
    VV_ASSIGN_OR_RETURN(geo::Projector created, geo::Projector::Create(geo::kWgs84, geo::kLaea));
    projector.emplace(std::move(created));
  }
  return &*projector;
}

// The 1-km tile of the grid holding a WGS84 point, nullopt when the grid has none there.
Result<std::optional<std::pair<engine::TileId, size_t>>> TileAt(const engine::GridFile& grid,
                                                                double longitude, double latitude) {
  VV_ASSIGN_OR_RETURN(const geo::Projector* projector, ThreadProjector());
  geo::Point point{longitude, latitude};
  if (!projector->Transform(point)) return std::optional<std::pair<engine::TileId, size_t>>();
  const engine::TileId tile{engine::Level::k1km,
                            static_cast<int32_t>(std::floor(point.x / 1000.0)) * 1000,
                            static_cast<int32_t>(std::floor(point.y / 1000.0)) * 1000};
  const engine::LevelView* level = grid.level(engine::Level::k1km);
  if (level == nullptr) return std::optional<std::pair<engine::TileId, size_t>>();
  std::optional<size_t> index = level->Find(tile);
  if (!index) return std::optional<std::pair<engine::TileId, size_t>>();
  return std::optional(std::pair{tile, *index});
}

double SquaredDegrees(const engine::CommuneRef& commune, double longitude, double latitude) {
  if (!commune.has_centre()) return std::numeric_limits<double>::infinity();
  const double dx = (commune.longitude - longitude) * std::cos(latitude * M_PI / 180.0);
  const double dy = commune.latitude - latitude;
  return dx * dx + dy * dy;
}

// Lower-case ASCII letters and digits only, for matching a commune's name in an address
// ("Saint-Cirq-Lapopie" in "2 place du Sombral, 46330 SAINT CIRQ LAPOPIE").
std::string Folded(const std::string& text) {
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c)) out += static_cast<char>(std::tolower(c));
  }
  return out;
}

Result<Placement> AtCommuneCentre(const engine::GridFile& grid, uint32_t commune_idx,
                                  Precision precision, const char* field) {
  const engine::CommuneRef& commune = grid.communes()[commune_idx];
  if (!commune.has_centre()) {
    return InvalidArgument("Le centre de la commune " + commune.code +
                               " n'est pas connu : indiquez la latitude et la longitude.",
                           field);
  }
  VV_ASSIGN_OR_RETURN(auto tile, TileAt(grid, commune.longitude, commune.latitude));
  if (!tile) {
    return InvalidArgument("Le centre de la commune " + commune.code + " est hors de la grille.",
                           field);
  }
  Placement placement;
  placement.commune = commune_idx;
  placement.commune_code = commune.code;
  placement.latitude = commune.latitude;
  placement.longitude = commune.longitude;
  placement.precision = precision;
  placement.tile_1km = tile->first;
  placement.tile_5km = tile->first.Parent();
  return placement;
}

}  // namespace

Result<std::optional<engine::TileId>> TileAtPoint(const engine::GridFile& grid, engine::Level level,
                                                  double longitude, double latitude) {
  VV_ASSIGN_OR_RETURN(auto fine, TileAt(grid, longitude, latitude));
  if (!fine) return std::optional<engine::TileId>();
  const engine::TileId tile = level == engine::Level::k1km ? fine->first : fine->first.Parent();
  const engine::LevelView* view = grid.level(level);
  if (view == nullptr || !view->Find(tile)) return std::optional<engine::TileId>();
  return std::optional<engine::TileId>(tile);
}

const char* PrecisionName(Precision precision) {
  switch (precision) {
    case Precision::kExact:
      return "exact";
    case Precision::kCommune:
      return "commune";
    case Precision::kPostcode:
      return "postcode";
  }
  return "exact";
}

Result<Placement> Place(const engine::GridFile& grid, const LocationInput& input) {
  std::optional<uint32_t> given_commune;
  if (!input.commune_code.empty()) {
    given_commune = grid.FindCommune(input.commune_code);
    if (!given_commune) {
      return InvalidArgument(
          "Commune « " + input.commune_code.substr(0, 10) +
              " » inconnue en France métropolitaine (code INSEE à 5 caractères attendu).",
          kFieldCommuneCode);
    }
  }
  if (input.latitude && input.longitude) {
    VV_ASSIGN_OR_RETURN(auto tile, TileAt(grid, *input.longitude, *input.latitude));
    if (!tile) {
      return InvalidArgument(
          "Ce point n'est sur aucune dalle de la grille (hors de France métropolitaine ?).",
          kFieldLatitude);
    }
    const engine::LevelView& level = *grid.level(engine::Level::k1km);
    auto [first, last] = level.communes(tile->second);
    std::optional<uint32_t> commune;
    double best = std::numeric_limits<double>::infinity();
    for (auto share = first; share != last; ++share) {
      if (given_commune && share->commune == *given_commune) commune = share->commune;
    }
    if (given_commune && !commune) {
      return InvalidArgument("Le point indiqué n'est pas dans la commune " + input.commune_code +
                                 " : vérifiez les coordonnées ou le code commune.",
                             kFieldCommuneCode);
    }
    if (!commune) {
      for (auto share = first; share != last; ++share) {
        const double distance =
            SquaredDegrees(grid.communes()[share->commune], *input.longitude, *input.latitude);
        if (!commune || distance < best) {
          commune = share->commune;
          best = distance;
        }
      }
    }
    if (!commune) return InvalidArgument("Aucune commune ne couvre ce point.", kFieldLatitude);
    Placement placement;
    placement.commune = *commune;
    placement.commune_code = grid.communes()[*commune].code;
    placement.latitude = *input.latitude;
    placement.longitude = *input.longitude;
    placement.precision = Precision::kExact;
    placement.tile_1km = tile->first;
    placement.tile_5km = tile->first.Parent();
    return placement;
  }
  if (given_commune)
    return AtCommuneCentre(grid, *given_commune, Precision::kCommune, kFieldCommuneCode);
  if (!input.postcode.empty()) {
    const std::vector<uint32_t>* served = grid.CommunesWithPostcode(input.postcode);
    if (served == nullptr || served->empty()) {
      return InvalidArgument(
          "Code postal « " + input.postcode.substr(0, 10) + " » inconnu en France métropolitaine.",
          kFieldPostcode);
    }
    uint32_t chosen = served->front();
    bool named = false;
    const std::string address = Folded(input.address);
    for (uint32_t commune_idx : *served) {
      const std::string name = Folded(grid.communes()[commune_idx].name);
      if (!address.empty() && !name.empty() && address.find(name) != std::string::npos &&
          (!named || name.size() > Folded(grid.communes()[chosen].name).size())) {
        chosen = commune_idx;
        named = true;
      }
    }
    if (!named) {
      for (uint32_t commune_idx : *served) {
        if (grid.communes()[commune_idx].population > grid.communes()[chosen].population)
          chosen = commune_idx;
      }
    }
    return AtCommuneCentre(grid, chosen, Precision::kPostcode, kFieldPostcode);
  }
  return InvalidArgument(
      "Indiquez où se trouve l'annonce : latitude et longitude, code commune ou code postal.",
      kFieldCommuneCode);
}

engine::PlaceLocator PlaceLocatorFor(const engine::GridFile& grid) {
  return [&grid](const engine::PlaceConstraint& place) -> Result<engine::PlacePosition> {
    LocationInput input;
    input.latitude = place.given_latitude;
    input.longitude = place.given_longitude;
    input.commune_code = place.commune;
    input.address = place.address;
    Result<Placement> placement = Place(grid, input);
    if (!placement.ok()) return InvalidArgument(placement.status().message());
    VV_ASSIGN_OR_RETURN(const geo::Projector* projector, ThreadProjector());
    geo::Point point{placement->longitude, placement->latitude};
    if (!projector->Transform(point)) {
      return InvalidArgument("ce point ne se projette pas sur la grille.");
    }
    return engine::PlacePosition{point.x, point.y, placement->latitude, placement->longitude};
  };
}

}  // namespace vivrovert::listings
