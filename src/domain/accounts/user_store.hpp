// People with an account: the `users` table, e-mail normalisation and roles.
//
// E-mails are stored normalised (trimmed, ASCII lower-cased) so that uniqueness and
// look-ups ignore case. A user is created unverified; the e-mail counts as verified once
// a link sent to it was opened (or a password reset through it succeeded).
//
// Thread safety: the functions are stateless and use the caller's connection, inside the
// caller's transaction if one is open.
// Errors: expected outcomes (e-mail taken, malformed e-mail) are Status values with
// French messages and the form field; database faults throw storage::StorageError.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/status.hpp"
#include "core/storage/database.hpp"

namespace vivrovert::accounts {

// Form field names used in Status::field(), so that pages show a message next to the
// right input. Web forms name their inputs the same.
inline constexpr const char* kFieldEmail = "email";
inline constexpr const char* kFieldPassword = "password";
inline constexpr const char* kFieldCurrentPassword = "current_password";
inline constexpr const char* kFieldNewPassword = "new_password";
inline constexpr const char* kFieldNewEmail = "new_email";
inline constexpr const char* kFieldDisplayName = "display_name";
inline constexpr const char* kFieldToken = "token";

inline constexpr size_t kMaxEmailBytes = 254;
inline constexpr size_t kMaxDisplayNameBytes = 100;

enum class Role {
  kUser,          // a person looking for a place to live ("exodeur")
  kPartnerStaff,  // works for a partner collectivité (its partner role lives with partners)
  kOperator,      // runs VivroVert
};

// "user", "partner_staff", "operator": the stored form.
const char* RoleName(Role role);
std::optional<Role> ParseRole(std::string_view name);

struct User {
  int64_t id = 0;
  std::string email;
  std::string password_hash;
  Role role = Role::kUser;
  std::string display_name;
  std::optional<int64_t> email_verified_at;
  int64_t created_at = 0;
  int64_t updated_at = 0;

  bool email_verified() const { return email_verified_at.has_value(); }
};

// Trims, lower-cases ASCII letters and checks the shape: one '@' with something before
// it, a domain holding a dot neither first nor last, no spaces or control characters, at
// most 254 bytes. Errors are InvalidArgument on field "email".
Result<std::string> NormalizeEmail(std::string_view email, std::string field = kFieldEmail);

// Trims; requires 1 to 100 bytes without control characters. Field "display_name".
Result<std::string> NormalizeDisplayName(std::string_view display_name);

// What a mailer needs of a person (UserStore::Contacts).
struct UserContact {
  int64_t id = 0;
  std::string email;
  std::string display_name;
  bool email_verified = false;
};

struct NewUser {
  std::string email;          // normalised (NormalizeEmail)
  std::string password_hash;  // PasswordHasher::Hash
  Role role = Role::kUser;
  std::string display_name;  // normalised (NormalizeDisplayName)
  bool email_verified = false;
};

class UserStore {
 public:
  // Inserts the user; AlreadyExists on field "email" when the address is taken.
  static Result<User> Create(storage::Connection& connection, const NewUser& user, int64_t now);

  // Records the partner site's host a person signed up on (empty: the main site).
  static void SetSignupHost(storage::Connection& connection, int64_t user_id,
                            const std::string& host);

  static std::optional<User> FindById(storage::Connection& connection, int64_t id);
  // `email` must be normalised.
  static std::optional<User> FindByEmail(storage::Connection& connection, std::string_view email);

  // Marks the e-mail verified (keeps an earlier verification time). False when no such user.
  static bool MarkVerified(storage::Connection& connection, int64_t id, int64_t now);
  static bool SetPasswordHash(storage::Connection& connection, int64_t id,
                              std::string_view password_hash, int64_t now);
  // Changes the e-mail (normalised) and marks it verified: only a confirmed address is
  // ever set. AlreadyExists on field "email" when another account holds it, NotFound
  // when the user is gone.
  static Status SetEmail(storage::Connection& connection, int64_t id, std::string_view email,
                         int64_t now);
  // Deletes the user; sessions and e-mail tokens go with it (ON DELETE CASCADE).
  static bool Delete(storage::Connection& connection, int64_t id);

  // Users by id, `limit` at most, starting after id `after_id` (keyset paging).
  static std::vector<User> List(storage::Connection& connection, int64_t after_id, int64_t limit);

  // Batch reads for the other parts, which never query `users` themselves.
  // Ids ascending after `after_id`, `limit` at most; only verified addresses when
  // `verified_only` (the people mail may be sent to).
  static std::vector<int64_t> IdsAfter(storage::Connection& connection, int64_t after_id,
                                       int64_t limit, bool verified_only = false);
  // Whom to write to and how to greet them, for those of `ids` that still exist.
  static std::map<int64_t, UserContact> Contacts(storage::Connection& connection,
                                                 const std::vector<int64_t>& ids);
  static bool Exists(storage::Connection& connection, int64_t id);
};

}  // namespace vivrovert::accounts
