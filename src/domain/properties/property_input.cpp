#include "domain/properties/property_input.hpp"

#include "core/common/text.hpp"
#include "domain/listings/listing_store.hpp"
#include "domain/listings/placement.hpp"

namespace vivrovert::properties {

namespace {

// At most `bytes` bytes of `text`, cut on a UTF-8 character boundary.
std::string Truncated(const std::string& text, size_t bytes) {
  if (text.size() <= bytes) return text;
  size_t end = bytes;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return text.substr(0, end);
}

}  // namespace

Result<SavedProperty> ResolveProperty(storage::Connection& connection, const engine::GridFile* grid,
                                      int64_t user_id, const PropertyInput& input,
                                      const std::string& today) {
  SavedProperty property;
  property.user_id = user_id;
  property.name = input.name;
  property.radius_km = static_cast<int>(input.radius_km.value_or(kDefaultRadiusKm));
  if (input.radius_km) VV_RETURN_IF_ERROR(CheckRadius(*input.radius_km));
  if (input.listing_id) {
    std::optional<listings::Listing> listing =
        listings::ListingStore::Get(connection, *input.listing_id);
    if (!listing || listing->StatusOn(today) != listings::kStatusActive) {
      return NotFound("Annonce introuvable ou plus en ligne.", "listing_id");
    }
    if (listing->kind != listings::Kind::kHousing) {
      return InvalidArgument(
          "Seules les annonces de logement se mettent en mémoire ; pour un autre lieu, placez un "
          "point.",
          "listing_id");
    }
    property.listing_id = listing->id;
    if (Trim(property.name).empty())
      property.name = Truncated(listing->title, kMaxPropertyNameBytes);
    property.latitude = listing->latitude;
    property.longitude = listing->longitude;
    property.commune_code = listing->commune_code;
    property.placement = listings::PrecisionName(listing->precision);
    property.address = listing->address;
    return property;
  }
  if (input.latitude.has_value() != input.longitude.has_value()) {
    return InvalidArgument("Indiquez la latitude et la longitude, ou ni l'une ni l'autre.",
                           input.latitude ? "longitude" : "latitude");
  }
  if (!input.latitude && input.commune_code.empty() && input.postcode.empty()) {
    return InvalidArgument(
        "Indiquez où se trouve ce bien : un point sur la carte (latitude et longitude), un code "
        "commune ou un code postal.",
        "latitude");
  }
  if (grid == nullptr)
    return Unavailable(
        "La grille des dalles n'est pas encore construite : impossible de placer ce point.");
  listings::LocationInput location;
  location.latitude = input.latitude;
  location.longitude = input.longitude;
  location.commune_code = Trim(input.commune_code);
  location.postcode = Trim(input.postcode);
  location.address = Trim(input.address);
  VV_ASSIGN_OR_RETURN(listings::Placement placement, listings::Place(*grid, location));
  property.latitude = placement.latitude;
  property.longitude = placement.longitude;
  property.commune_code = placement.commune_code;
  property.placement = listings::PrecisionName(placement.precision);
  property.address = Truncated(location.address, 300);
  if (Trim(property.name).empty()) property.name = grid->communes()[placement.commune].name;
  return property;
}

}  // namespace vivrovert::properties
