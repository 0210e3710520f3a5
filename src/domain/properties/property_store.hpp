// A person's saved properties ("biens mis en mémoire", migration 0008): a housing listing
// they saved or a point they placed, with the radius they look around it.
//
// Thread safety: stateless functions on the caller's connection. Errors: expected outcomes
// are Status values (French message, field); database faults throw storage::StorageError.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/common/status.hpp"
#include "core/storage/database.hpp"

namespace vivrovert::properties {

inline constexpr size_t kMaxSavedProperties = 100;
inline constexpr size_t kMaxPropertyNameBytes = 100;
inline constexpr int kMinRadiusKm = 2;
inline constexpr int kMaxRadiusKm = 50;
inline constexpr int kDefaultRadiusKm = 10;

struct SavedProperty {
  int64_t id = 0;
  int64_t user_id = 0;
  std::string name;
  std::optional<int64_t> listing_id;  // the saved listing; empty for a placed point
  double latitude = 0;
  double longitude = 0;
  std::string commune_code;
  std::string placement = "exact";  // "exact", "commune" or "postcode" (listings::Precision)
  std::string address;
  int radius_km = kDefaultRadiusKm;
  int64_t created_at = 0;
  int64_t updated_at = 0;
};

// The name trimmed; InvalidArgument (field "name") when empty, too long or not UTF-8.
Result<std::string> CheckPropertyName(const std::string& raw);
// InvalidArgument (field "radius_km") outside kMinRadiusKm–kMaxRadiusKm.
Status CheckRadius(int64_t radius_km);

class PropertyStore {
 public:
  // Saves `property` for property.user_id (name and radius checked). Saving a listing the
  // person already saved returns that one, with `created` false. Errors: InvalidArgument,
  // ResourceExhausted (kMaxSavedProperties).
  struct Saved {
    SavedProperty property;
    bool created = true;
  };
  static Result<Saved> Save(storage::Connection& connection, SavedProperty property, int64_t now);
  // The person's properties, newest first.
  static std::vector<SavedProperty> List(storage::Connection& connection, int64_t user_id);
  // One of the person's properties; nullopt when absent or another person's.
  static std::optional<SavedProperty> Get(storage::Connection& connection, int64_t user_id,
                                          int64_t id);
  // New name and radius; NotFound when not theirs, InvalidArgument as Save.
  static Status Update(storage::Connection& connection, int64_t user_id, int64_t id,
                       const std::string& name, int64_t radius_km, int64_t now);
  static bool Delete(storage::Connection& connection, int64_t user_id, int64_t id);
};

}  // namespace vivrovert::properties
