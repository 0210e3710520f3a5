#include "domain/properties/property_store.hpp"

#include "core/common/text.hpp"

namespace vivrovert::properties {

namespace {

using storage::SqlValue;

constexpr const char* kColumns =
    "id, user_id, name, listing_id, latitude, longitude, commune_code, placement, address, "
    "radius_km, created_at, "
    "updated_at";

SavedProperty FromRow(const storage::Row& row) {
  SavedProperty property;
  property.id = row.Int(0);
  property.user_id = row.Int(1);
  property.name = row.Text(2);
  property.listing_id = row.OptionalInt(3);
  property.latitude = row.Double(4);
  property.longitude = row.Double(5);
  property.commune_code = row.Text(6);
  property.placement = row.Text(7);
  property.address = row.Text(8);
  property.radius_km = static_cast<int>(row.Int(9));
  property.created_at = row.Int(10);
  property.updated_at = row.Int(11);
  return property;
}

}  // namespace

Result<std::string> CheckPropertyName(const std::string& raw) {
  std::string name = Trim(raw);
  if (name.empty()) return InvalidArgument("Donnez un nom à ce bien.", "name");
  if (name.size() > kMaxPropertyNameBytes || !IsValidUtf8(name)) {
    return InvalidArgument("Nom trop long : 100 caractères au plus.", "name");
  }
  return name;
}

Status CheckRadius(int64_t radius_km) {
  if (radius_km < kMinRadiusKm || radius_km > kMaxRadiusKm) {
    return InvalidArgument("Le rayon doit être compris entre 2 et 50 km (valeur reçue : " +
                               std::to_string(radius_km) + " km).",
                           "radius_km");
  }
  return Status::Ok();
}

Result<PropertyStore::Saved> PropertyStore::Save(storage::Connection& connection,
                                                 SavedProperty property, int64_t now) {
  VV_ASSIGN_OR_RETURN(property.name, CheckPropertyName(property.name));
  VV_RETURN_IF_ERROR(CheckRadius(property.radius_km));
  if (property.listing_id) {
    auto existing =
        connection.QueryOne(std::string("SELECT ") + kColumns +
                                " FROM saved_properties WHERE user_id = $1 AND listing_id = $2",
                            {property.user_id, *property.listing_id});
    if (existing) return Saved{FromRow(*existing), false};
  }
  auto count = connection.QueryOne("SELECT COUNT(*) FROM saved_properties WHERE user_id = $1",
                                   {property.user_id});
  if (count && static_cast<size_t>(count->Int(0)) >= kMaxSavedProperties) {
    return ResourceExhausted("Vous avez déjà 100 biens en mémoire : supprimez-en un d'abord.");
  }
  auto row = connection.QueryOne(
      "INSERT INTO saved_properties (user_id, name, listing_id, latitude, longitude, commune_code, "
      "placement, address, "
      "radius_km, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) "
      "RETURNING id",
      {property.user_id, property.name,
       property.listing_id ? SqlValue(*property.listing_id) : SqlValue(nullptr), property.latitude,
       property.longitude, property.commune_code, property.placement, property.address,
       static_cast<int64_t>(property.radius_km), now, now});
  property.id = row->Int(0);
  property.created_at = now;
  property.updated_at = now;
  return Saved{std::move(property), true};
}

std::vector<SavedProperty> PropertyStore::List(storage::Connection& connection, int64_t user_id) {
  std::vector<SavedProperty> properties;
  for (const storage::Row& row : connection.Query(
           std::string("SELECT ") + kColumns +
               " FROM saved_properties WHERE user_id = $1 ORDER BY created_at DESC, id DESC",
           {user_id})) {
    properties.push_back(FromRow(row));
  }
  return properties;
}

std::optional<SavedProperty> PropertyStore::Get(storage::Connection& connection, int64_t user_id,
                                                int64_t id) {
  auto row = connection.QueryOne(
      std::string("SELECT ") + kColumns + " FROM saved_properties WHERE id = $1 AND user_id = $2",
      {id, user_id});
  if (!row) return std::nullopt;
  return FromRow(*row);
}

Status PropertyStore::Update(storage::Connection& connection, int64_t user_id, int64_t id,
                             const std::string& raw, int64_t radius_km, int64_t now) {
  VV_ASSIGN_OR_RETURN(std::string name, CheckPropertyName(raw));
  VV_RETURN_IF_ERROR(CheckRadius(radius_km));
  const int64_t changed = connection.Execute(
      "UPDATE saved_properties SET name = $1, radius_km = $2, updated_at = $3 WHERE id = $4 AND "
      "user_id = $5",
      {name, radius_km, now, id, user_id});
  if (changed == 0) return NotFound("Bien introuvable.", "id");
  return Status::Ok();
}

bool PropertyStore::Delete(storage::Connection& connection, int64_t user_id, int64_t id) {
  return connection.Execute("DELETE FROM saved_properties WHERE id = $1 AND user_id = $2",
                            {id, user_id}) > 0;
}

}  // namespace vivrovert::properties
