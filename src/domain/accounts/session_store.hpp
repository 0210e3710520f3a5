// Login sessions: the `sessions` table.
//
// The browser holds a random token (kTokenBytes, URL-safe base64) in a cookie; the table
// holds only its SHA-256, so several server processes share sessions and a database
// leak reveals no usable cookie. A session ends at the first of: its absolute expiry
// (counted from login), its idle expiry (counted from the last request), logout, or a
// revocation (password changed or reset, account deleted). last_seen_at is written at
// most once per touch interval so that a page view is not a database write.
//
// Thread safety: a SessionStore only holds its policy; methods use the caller's
// connection, inside the caller's transaction if one is open.
// Errors: database faults throw storage::StorageError; an unknown, expired or malformed
// token is simply "no session".
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/env.hpp"
#include "core/storage/database.hpp"

namespace vivrovert::accounts {

struct SessionPolicy {
  int64_t absolute_seconds = int64_t{30} * 24 * 3600;
  int64_t idle_seconds = int64_t{7} * 24 * 3600;
  int64_t touch_interval_seconds = 60;
};

struct Session {
  std::string token_hash;
  int64_t user_id = 0;
  int64_t created_at = 0;
  int64_t last_seen_at = 0;
  int64_t expires_at = 0;  // absolute expiry
  std::string user_agent;
  std::string ip;
};

// A new session as handed to the browser: the cookie value and when it ends at most.
struct NewSession {
  std::string token;
  int64_t expires_at = 0;
};

class SessionStore {
 public:
  explicit SessionStore(SessionPolicy policy = {});

  // Starts a session for `user_id`. The user agent is cut to 512 bytes.
  NewSession Create(storage::Connection& connection, Random& random, int64_t user_id,
                    std::string_view ip, std::string_view user_agent, int64_t now) const;

  // The live session of cookie value `token`, refreshing its last_seen_at when the touch
  // interval has passed. A session found expired is deleted.
  std::optional<Session> Find(storage::Connection& connection, std::string_view token,
                              int64_t now) const;

  // Ends the session of `token`; false when there was none.
  bool Revoke(storage::Connection& connection, std::string_view token) const;
  // Ends every session of `user_id` but the one whose token hash is `keep_token_hash`
  // (Session::token_hash; empty: end them all). Returns the number ended.
  int64_t RevokeAllForUser(storage::Connection& connection, int64_t user_id,
                           std::string_view keep_token_hash = {}) const;
  // Deletes expired sessions (absolute or idle), at most `limit` of them; for the
  // nightly retention, which calls it until it returns less than `limit`.
  int64_t PurgeExpired(storage::Connection& connection, int64_t now,
                       int limit = std::numeric_limits<int>::max()) const;

  // Every session of `user_id`, newest first (the RGPD export, which leaves token_hash out).
  std::vector<Session> ListForUser(storage::Connection& connection, int64_t user_id) const;

  const SessionPolicy& policy() const { return policy_; }

 private:
  SessionPolicy policy_;
};

}  // namespace vivrovert::accounts
