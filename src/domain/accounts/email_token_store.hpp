// Single-use tokens sent by e-mail: the `email_tokens` table.
//
// A token proves that its holder reads a mailbox. Each is bound to one purpose (a
// verification link cannot reset a password), expires, is stored only as its SHA-256,
// and is consumed by one atomic UPDATE … WHERE used_at IS NULL AND expires_at > now, so
// two clicks racing on the same link cannot both succeed.
//
// Thread safety: an EmailTokenStore only holds its policy; methods use the caller's
// connection, inside the caller's transaction if one is open.
// Errors: a bad, used, expired or wrong-purpose token is an InvalidArgument on field
// "token" with a French message that says what to do; database faults throw
// storage::StorageError.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

#include "core/common/env.hpp"
#include "core/common/status.hpp"
#include "core/storage/database.hpp"

namespace vivrovert::accounts {

enum class TokenPurpose { kVerifyEmail, kResetPassword, kChangeEmail };

// "verify_email", "reset_password", "change_email": the stored form, also the name of the
// mail template that carries the link.
const char* TokenPurposeName(TokenPurpose purpose);

struct EmailTokenPolicy {
  int64_t verify_email_seconds = int64_t{48} * 3600;
  int64_t reset_password_seconds = 3600;
  int64_t change_email_seconds = int64_t{24} * 3600;

  int64_t LifetimeOf(TokenPurpose purpose) const;
};

struct IssuedToken {
  std::string token;       // goes into the link, never stored
  std::string token_hash;  // as stored; also a stable id for the mail's idempotency key
  int64_t expires_at = 0;
};

struct ConsumedToken {
  int64_t user_id = 0;
  std::optional<std::string> new_email;  // set for kChangeEmail
};

class EmailTokenStore {
 public:
  explicit EmailTokenStore(EmailTokenPolicy policy = {});

  // Creates a token for `user_id`. `new_email` (normalised) is required for kChangeEmail
  // and ignored otherwise.
  IssuedToken Issue(storage::Connection& connection, Random& random, int64_t user_id,
                    TokenPurpose purpose, int64_t now,
                    std::optional<std::string> new_email = std::nullopt) const;

  // Checks, without using it, that `token` could be consumed now for `purpose`. Lets a
  // caller refuse a bad link before doing costly work (hashing a new password).
  Status Check(storage::Connection& connection, std::string_view token, TokenPurpose purpose,
               int64_t now) const;

  // Marks `token` used and returns what it was issued for; fails and changes nothing when
  // it is unknown, of another purpose, already used or expired.
  Result<ConsumedToken> Consume(storage::Connection& connection, std::string_view token,
                                TokenPurpose purpose, int64_t now) const;

  // Marks every unused token of `user_id` for `purpose` used (e.g. the other reset links
  // once the password has been reset). Returns how many.
  int64_t InvalidateAll(storage::Connection& connection, int64_t user_id, TokenPurpose purpose,
                        int64_t now) const;

  // Deletes tokens expired before `before`, at most `limit` of them; for the nightly
  // retention, which calls it until it returns less than `limit`.
  int64_t PurgeExpired(storage::Connection& connection, int64_t before,
                       int limit = std::numeric_limits<int>::max()) const;

  const EmailTokenPolicy& policy() const { return policy_; }

 private:
  // Why `token_hash` cannot be consumed for `purpose` at `now`.
  Status Explain(storage::Connection& connection, const std::string& token_hash,
                 TokenPurpose purpose, int64_t now) const;

  EmailTokenPolicy policy_;
};

}  // namespace vivrovert::accounts
