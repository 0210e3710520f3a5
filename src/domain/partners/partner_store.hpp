// Partners (collectivités), their territories, staff, groupings and API keys, in the
// database (migration 0003).
//
// Kinds: a commune, an EPCI (communauté de communes, d'agglomération…), a département, or a
// grouping of collectivités (e.g. a "Petites Villes de Demain" association) whose territory
// is its own codes plus its members' territories.
//
// Staff roles: admin (everything, including keys and staff), editor (listings and
// imports), viewer (read only). Operators (accounts role "operator") act on every partner.
//
// Thread safety: stateless functions on the caller's connection. Errors: expected outcomes
// are Status values with French messages and the field; database faults throw
// storage::StorageError.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/common/env.hpp"
#include "core/common/status.hpp"
#include "core/storage/database.hpp"
#include "engine/engine.hpp"

namespace vivrovert::partners {

enum class PartnerKind { kCommune, kEpci, kDepartement, kGrouping };
const char* PartnerKindName(PartnerKind kind);   // "commune", "epci", "departement", "grouping"
const char* PartnerKindLabel(PartnerKind kind);  // French
std::optional<PartnerKind> ParsePartnerKind(std::string_view text);

enum class StaffRole { kAdmin, kEditor, kViewer };
const char* StaffRoleName(StaffRole role);   // "admin", "editor", "viewer"
const char* StaffRoleLabel(StaffRole role);  // French
std::optional<StaffRole> ParseStaffRole(std::string_view text);
// Whether a role may change listings, imports (editor and admin) or keys and staff (admin).
inline bool CanEdit(StaffRole role) { return role != StaffRole::kViewer; }
inline bool CanAdminister(StaffRole role) { return role == StaffRole::kAdmin; }

// How often the partner's staff receive the lead report e-mail (domain/leads/lead_report.hpp).
enum class ReportFrequency { kDaily, kWeekly, kMonthly, kNone };
const char* ReportFrequencyName(ReportFrequency frequency);  // "daily", "weekly", "monthly", "none"
const char* ReportFrequencyLabel(ReportFrequency frequency);  // French
std::optional<ReportFrequency> ParseReportFrequency(std::string_view text);
inline constexpr ReportFrequency kReportFrequencies[] = {
    ReportFrequency::kDaily, ReportFrequency::kWeekly, ReportFrequency::kMonthly,
    ReportFrequency::kNone};

// Who runs a grouping (issue 22, option 4): a département, an EPCI or an association.
enum class GroupingAdministrator { kDepartement, kEpci, kAssociation };
const char* GroupingAdministratorName(GroupingAdministrator administrator);   // "departement"…
const char* GroupingAdministratorLabel(GroupingAdministrator administrator);  // French
std::optional<GroupingAdministrator> ParseGroupingAdministrator(std::string_view text);
inline constexpr GroupingAdministrator kGroupingAdministrators[] = {
    GroupingAdministrator::kDepartement, GroupingAdministrator::kEpci,
    GroupingAdministrator::kAssociation};

// One member's period in a grouping (migration 0031), Paris days "AAAA-MM-JJ", inclusive:
// no joined_on means since before dates were kept, no left_on means still a member.
struct Membership {
  int64_t grouping_id = 0;
  int64_t member_id = 0;
  std::optional<std::string> joined_on;
  std::optional<std::string> left_on;

  bool ActiveOn(const std::string& date) const {
    return (!joined_on || *joined_on <= date) && (!left_on || date <= *left_on);
  }
};

struct Partner {
  int64_t id = 0;
  PartnerKind kind = PartnerKind::kCommune;
  std::string name;
  std::string slug;
  engine::TerritoryCodes territory;  // its own codes (members' come on top for a grouping)
  // Groupings only: the members whose departure is not recorded (the territory and the
  // leads roll up over them); Memberships gives the dates, which access and entitlements
  // follow to the day.
  std::vector<int64_t> member_ids;
  std::optional<GroupingAdministrator> administrator;  // groupings only
  bool is_demo = false;
  ReportFrequency lead_report_frequency = ReportFrequency::kMonthly;  // migration 0011
  int64_t created_at = 0;
  int64_t updated_at = 0;

  // The key listings of this partner are stored under ("partner:<id>").
  std::string SourceKey() const { return "partner:" + std::to_string(id); }
};

struct PartnerInput {
  PartnerKind kind = PartnerKind::kCommune;
  std::string name;
  std::string slug;  // derived from the name when empty
  engine::TerritoryCodes territory;
  std::vector<int64_t> member_ids;
  bool is_demo = false;
};

struct StaffMember {
  int64_t user_id = 0;
  std::string email;
  std::string display_name;
  StaffRole role = StaffRole::kViewer;
  int64_t created_at = 0;
};

struct ApiKey {
  int64_t id = 0;
  int64_t partner_id = 0;
  std::string prefix;
  std::string scope;  // "read" or "write"
  std::string label;
  int64_t created_at = 0;
  std::optional<int64_t> last_used_at;
  std::optional<int64_t> revoked_at;
};

// "Communauté de communes du Causse" → "communaute-de-communes-du-causse".
std::string Slugify(std::string_view name);

class PartnerStore {
 public:
  // Checks the input (kind, name, slug shape and uniqueness, option names, members) and
  // stores it. Territory codes are checked against the grid by the caller (PartnerService).
  static Result<Partner> Create(storage::Connection& connection, const PartnerInput& input,
                                int64_t now);
  static Status Update(storage::Connection& connection, int64_t id, const PartnerInput& input,
                       int64_t now);
  // Sets how often the staff receive the lead report (kept apart from Update, whose callers
  // do not know it). Leaves updated_at alone: the lead recorder's fingerprint reads it to
  // notice territory changes, and this is none. NotFound for an unknown partner.
  static Status SetLeadReportFrequency(storage::Connection& connection, int64_t id,
                                       ReportFrequency frequency);
  static std::optional<Partner> Get(storage::Connection& connection, int64_t id);
  static std::optional<Partner> FindBySlug(storage::Connection& connection,
                                           const std::string& slug);
  static std::vector<Partner> List(storage::Connection& connection);
  // Batch reads for the other parts, which never query the partners' tables themselves.
  // Names of those of `ids` that exist.
  static std::map<int64_t, std::string> Names(storage::Connection& connection,
                                              const std::vector<int64_t>& ids);
  // Every partner that asked for lead reports, with its frequency (never kNone), by id.
  static std::vector<std::pair<int64_t, ReportFrequency>> ReportFrequencies(
      storage::Connection& connection);
  // A short text that changes whenever a partner is created, changed or deleted, or a
  // territory or a grouping's membership changes (leads/ rebuilds its territory index
  // when it does).
  static std::string TerritoriesFingerprint(storage::Connection& connection);
  // The groupings `partner_id` is a member of (its departure not recorded).
  static std::vector<int64_t> GroupingsOf(storage::Connection& connection, int64_t partner_id);
  // The groupings `partner_id` is a member of on `date` (Paris, "AAAA-MM-JJ").
  static std::vector<int64_t> GroupingsOn(storage::Connection& connection, int64_t partner_id,
                                          const std::string& date);

  // Groupings' memberships (option 4, PVD). A grouping is never a member: Create, Update
  // and AttachMember refuse to nest one (InvalidArgument, field "members"), and a partner
  // that is a member cannot become a grouping.
  // Every membership of the grouping, past and present, by member id.
  static std::vector<Membership> Memberships(storage::Connection& connection, int64_t grouping_id);
  // The members of `grouping_id` on `date`, by id.
  static std::vector<int64_t> MembersOn(storage::Connection& connection, int64_t grouping_id,
                                        const std::string& date);
  // Makes `member_id` a member from `joined_on` (a member that had left joins again: its
  // period restarts). InvalidArgument (field "joined_on") on a bad day; NotFound for an
  // unknown partner; InvalidArgument (field "members") when either side is not what it
  // must be (the grouping a grouping, the member not one).
  static Status AttachMember(storage::Connection& connection, int64_t grouping_id,
                             int64_t member_id, const std::string& joined_on, int64_t now);
  // Records that `member_id` leaves on `left_on`, its last day as a member. NotFound when
  // it is not a member; InvalidArgument (field "left_on") on a bad day or one before it
  // joined.
  static Status SetMemberLeft(storage::Connection& connection, int64_t grouping_id,
                              int64_t member_id, const std::string& left_on, int64_t now);
  // Who runs the grouping. NotFound when `grouping_id` is not a grouping.
  static Status SetGroupingAdministrator(storage::Connection& connection, int64_t grouping_id,
                                         GroupingAdministrator administrator, int64_t now);

  // Staff.
  static std::optional<StaffRole> RoleOf(storage::Connection& connection, int64_t partner_id,
                                         int64_t user_id);
  static std::vector<Partner> PartnersOfUser(storage::Connection& connection, int64_t user_id);
  static std::vector<StaffMember> Staff(storage::Connection& connection, int64_t partner_id);
  // Adds or changes a member's role. A partner that has an administrator keeps one: demoting
  // its last administrator is refused (FailedPrecondition, French message), whoever asks.
  // Call inside a Transaction: the administrators' rows are locked (PostgreSQL) or the
  // database is (SQLite), so two concurrent demotions cannot both pass.
  static Status SetStaff(storage::Connection& connection, int64_t partner_id, int64_t user_id,
                         StaffRole role, int64_t now);
  // Removes a member: NotFound when they are not one, FailedPrecondition for the last
  // administrator (same rule and same transaction advice as SetStaff).
  static Status RemoveStaff(storage::Connection& connection, int64_t partner_id, int64_t user_id);

  // API keys. CreateApiKey returns the key itself, the only time it is ever available.
  struct NewKey {
    ApiKey key;
    std::string secret;
  };
  // Keys look like "vvk_" + 43 URL-safe base64 characters (256 random bits); the database
  // keeps their SHA-256 and their first 12 characters.
  static NewKey CreateApiKey(storage::Connection& connection, Random& random, int64_t partner_id,
                             const std::string& scope, const std::string& label,
                             std::optional<int64_t> created_by, int64_t now);
  static std::vector<ApiKey> ApiKeys(storage::Connection& connection, int64_t partner_id);
  // The key with that secret when it exists and is not revoked; records its use at `now`
  // (at most once a minute, to spare writes).
  static std::optional<ApiKey> AuthenticateApiKey(storage::Connection& connection,
                                                  std::string_view secret, int64_t now);
  static bool RevokeApiKey(storage::Connection& connection, int64_t partner_id, int64_t key_id,
                           int64_t now);
};

}  // namespace vivrovert::partners
