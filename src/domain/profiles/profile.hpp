// A person's profile and consents (migration 0006).
//
// The profile's fields are described once (ProfileFields, with the same FieldSpec and
// normalisation as listings: French numbers, choices by code or label) and stored as
// normalised JSON; the notification preference has its own column for the nightly jobs.
// Consents are granular (identity and contact, funds, housing wishes, work and skills,
// household), off by default, dated and revocable; each change appends a row, so the
// history is kept for proof and the latest row per scope is in force.
//
// Thread safety: stateless functions on the caller's connection. Errors: field problems
// as FieldError lists; database faults throw storage::StorageError.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/storage/database.hpp"
#include "domain/listings/listing_schema.hpp"

namespace vivrovert::profiles {

// The profile form's fields, in order.
const std::vector<listings::FieldSpec>& ProfileFields();

inline constexpr const char* kNotificationChoices[] = {"instant", "daily", "weekly", "none"};

// A consent scope and the profile fields it lets a partner see ("identity" covers the
// account's name and e-mail address, no profile field). Fields in no scope (leisure
// tastes) are never disclosed.
struct ConsentScope {
  const char* code;
  const char* label;  // French, as the form shows it
  std::vector<const char*> fields;
};
const std::vector<ConsentScope>& ConsentScopes();

// A consent that discloses nothing to partners but lets VivroVert use the person's data
// for something more (migration 0022), kept in the same dated history as the scopes above:
// job offers from partner territories the person never looked at, when their criteria are
// compatible with it and their skills fit (skills alerts, domain/skills). Off by default.
inline constexpr const char* kUnvisitedJobsConsent = "unvisited_jobs";
// Messages from partners' campaigns ("territoire semblable", domain/campaigns, migration
// 0029): a territory the person made green without clicking it, or like the ones they
// clicked, writes to them through VivroVert (never sharing who they are). Off by default.
inline constexpr const char* kCampaignsConsent = "partner_campaigns";
// Whether `scope` is one of ConsentScopes() (what partners may see), not a use consent.
bool IsDisclosureScope(std::string_view scope);

struct Profile {
  nlohmann::json data = nlohmann::json::object();  // normalised fields
  std::string notification = "daily";
  int64_t updated_at = 0;
};

struct ConsentRecord {
  std::string scope;
  bool granted = false;
  int64_t recorded_at = 0;
};

// Checks and normalises a form or JSON object; unknown keys are errors.
listings::Normalised NormaliseProfile(const nlohmann::json& input);

class ProfileStore {
 public:
  static Profile Get(storage::Connection& connection, int64_t user_id);
  // Batch reads for the other parts, which never query `profiles` themselves.
  // The notification preference of each of `user_ids` that has a profile (the others
  // have the default, "daily").
  static std::map<int64_t, std::string> Notifications(storage::Connection& connection,
                                                      const std::vector<int64_t>& user_ids);
  // The profiles of users whose ids lie in [first, last] (the matching index pages through
  // everyone by id).
  static std::map<int64_t, Profile> ProfilesBetween(storage::Connection& connection, int64_t first,
                                                    int64_t last);
  // The people whose profile lists the ROME code `code` ("J1506") in work_rome_codes,
  // ascending (skills alerts).
  static std::vector<int64_t> WithRomeCode(storage::Connection& connection,
                                           const std::string& code);
  // Those of `user_ids` whose consent `scope` is granted now, ascending (batch read).
  static std::vector<int64_t> Granted(storage::Connection& connection, const std::string& scope,
                                      const std::vector<int64_t>& user_ids);
  // Everyone whose consent `scope` is granted now, ascending (campaigns' audience).
  static std::vector<int64_t> GrantedAll(storage::Connection& connection, const std::string& scope);
  static void Put(storage::Connection& connection, int64_t user_id, const Profile& profile,
                  int64_t now);
  // Sets only the notification preference (one of kNotificationChoices), creating the
  // profile with no fields when the person has none; the fields are left as they are.
  static void SetNotification(storage::Connection& connection, int64_t user_id,
                              const std::string& notification, int64_t now);
  // The consents in force (scope → granted); absent scopes were never granted.
  static std::map<std::string, ConsentRecord> Consents(storage::Connection& connection,
                                                       int64_t user_id);
  static std::vector<ConsentRecord> ConsentHistory(storage::Connection& connection,
                                                   int64_t user_id);
  // Appends a row for each scope whose state changes.
  static void SetConsents(storage::Connection& connection, int64_t user_id,
                          const std::map<std::string, bool>& wanted, int64_t now);

  // Account deletion: copies the consent history of `user_id` into consent_proofs under
  // `subject` (an HMAC of the address, domain/privacy/personal_data.hpp), without the user id,
  // at `now`; the consents rows themselves go with the account (ON DELETE CASCADE).
  // Returns the rows copied.
  static int64_t ArchiveConsents(storage::Connection& connection, int64_t user_id,
                                 const std::string& subject, int64_t now);
  // The archived history of `subject`, oldest first (proof asked for by the person or an
  // authority, who names the address).
  static std::vector<ConsentRecord> ConsentProofs(storage::Connection& connection,
                                                  const std::string& subject);
  // Deletes archived proofs of accounts erased before `before`, at most `limit` (nightly
  // retention).
  static int64_t PurgeConsentProofs(storage::Connection& connection, int64_t before, int limit);
};

}  // namespace vivrovert::profiles
