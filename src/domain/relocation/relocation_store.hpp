// Employers and their relocation projects (issue #23, docs/RELOCATION.md), in the database
// (migration 0027): `employers`, `employer_staff`, `relocation_projects`,
// `relocation_members`.
//
// An employer is a company known by its SIRET (14 digits, Luhn key checked); any signed-in
// account may register one and becomes its administrator; administrators add colleagues
// (existing accounts) as staff, as partners' administrators do. A project is the new
// site's location (placed as listings are) and its team: members invited by e-mail with a
// single link (its token is stored as a SHA-256), who join by opening it signed in, then
// answer privately with their own search request (criteria and places). Whether a member's
// answer is shown to the employer is the member's choice (share_answers); whether partners
// see the project as a lead is the employer's (share_with_partners).
//
// Thread safety: stateless functions on the caller's connection. Errors: expected outcomes
// are Status values with French messages and the field; database faults throw
// storage::StorageError.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/common/env.hpp"
#include "core/common/status.hpp"
#include "core/storage/database.hpp"
#include "engine/engine.hpp"

namespace vivrovert::relocation {

// "732 829 320 00074" → "73282932000074". Errors: InvalidArgument (field "siret") when it is
// not 14 digits or its Luhn key is wrong (La Poste's establishments, SIREN 356000000, use
// their own rule: the sum of the digits is a multiple of 5).
Result<std::string> CheckSiret(std::string_view text);

enum class EmployerRole { kAdmin, kViewer };
const char* EmployerRoleName(EmployerRole role);   // "admin", "viewer"
const char* EmployerRoleLabel(EmployerRole role);  // French
std::optional<EmployerRole> ParseEmployerRole(std::string_view text);

struct Employer {
  int64_t id = 0;
  std::string name;
  std::string siret;
  int64_t created_at = 0;
};

struct EmployerStaffMember {
  int64_t user_id = 0;
  EmployerRole role = EmployerRole::kViewer;
  int64_t created_at = 0;
};

class EmployerStore {
 public:
  // Registers the company with `admin_user_id` as its administrator. Errors:
  // InvalidArgument (name empty or too long, SIRET), AlreadyExists (SIRET registered).
  static Result<Employer> Create(storage::Connection& connection, std::string_view name,
                                 std::string_view siret, int64_t admin_user_id, int64_t now);
  static std::optional<Employer> Get(storage::Connection& connection, int64_t id);
  // The employers `user_id` is staff of, by name.
  static std::vector<Employer> OfUser(storage::Connection& connection, int64_t user_id);
  static std::optional<EmployerRole> RoleOf(storage::Connection& connection, int64_t employer_id,
                                            int64_t user_id);
  // Adds or changes a member of staff. FailedPrecondition when it would demote the last
  // administrator (call inside a Transaction, as PartnerStore::SetStaff).
  static Status SetStaff(storage::Connection& connection, int64_t employer_id, int64_t user_id,
                         EmployerRole role, int64_t now);
  static std::vector<EmployerStaffMember> Staff(storage::Connection& connection,
                                                int64_t employer_id);
};

inline constexpr size_t kMaxProjectMembers = engine::kMaxGroupMembers;

struct Project {
  int64_t id = 0;
  int64_t employer_id = 0;
  std::string name;
  std::string commune_code;
  std::string address;
  double latitude = 0;
  double longitude = 0;
  bool share_with_partners = false;
  int64_t created_at = 0;
};

struct ProjectInput {
  std::string name;
  std::string commune_code;
  std::string address;
  bool share_with_partners = false;
};

struct Member {
  int64_t id = 0;
  int64_t project_id = 0;
  std::string email;
  std::optional<int64_t> user_id;     // once joined
  std::optional<std::string> answer;  // the normalised request JSON, once answered
  bool share_answers = false;
  int64_t invited_at = 0;
  std::optional<int64_t> joined_at;
  std::optional<int64_t> answered_at;
};

// An invitation just made: the link's token exists only here.
struct Invitation {
  Member member;
  std::string token;
};

class ProjectStore {
 public:
  // Checks the name and places the site on `grid` (listings::Place: commune centre, the
  // address kept for people). Errors: InvalidArgument naming the field.
  static Result<Project> Create(storage::Connection& connection, const engine::GridFile& grid,
                                int64_t employer_id, const ProjectInput& input, int64_t created_by,
                                int64_t now);
  static std::optional<Project> Get(storage::Connection& connection, int64_t id);
  static std::vector<Project> OfEmployer(storage::Connection& connection, int64_t employer_id);
  // Every project whose employer consented to show it to partners.
  static std::vector<Project> SharedWithPartners(storage::Connection& connection);
  static Status SetShareWithPartners(storage::Connection& connection, int64_t project_id,
                                     bool share, int64_t now);

  // Invites `email` (normalised to lower case) to the project. Errors: InvalidArgument
  // (field "email"), AlreadyExists (already invited), ResourceExhausted (kMaxProjectMembers).
  static Result<Invitation> Invite(storage::Connection& connection, Random& random,
                                   int64_t project_id, std::string_view email, int64_t now);
  static std::vector<Member> Members(storage::Connection& connection, int64_t project_id);
  static std::optional<Member> MemberByToken(storage::Connection& connection,
                                             std::string_view token);
  // Binds the invitation to the signed-in account. Errors: NotFound (unknown link),
  // FailedPrecondition (joined by another account, or the account is already a member).
  static Result<Member> Join(storage::Connection& connection, std::string_view token,
                             int64_t user_id, int64_t now);
  static std::optional<Member> MemberOf(storage::Connection& connection, int64_t project_id,
                                        int64_t user_id);
  // The projects `user_id` joined, with their membership, newest first.
  static std::vector<std::pair<Project, Member>> ProjectsOfMember(storage::Connection& connection,
                                                                  int64_t user_id);
  // Records the member's answer (a request already parsed and normalised by the caller).
  // NotFound when `user_id` is not that member.
  static Status Answer(storage::Connection& connection, int64_t member_id, int64_t user_id,
                       const std::string& answer, bool share_answers, int64_t now);
};

}  // namespace vivrovert::relocation
