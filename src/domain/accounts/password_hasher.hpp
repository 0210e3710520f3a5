// Password hashing with argon2id (libsodium crypto_pwhash_str) and the password rules.
//
// A hash at the interactive limits costs about 125 ms of CPU and 64 MiB of memory, so a
// PasswordHasher lets only a bounded number of hashes run at once: a login storm queues
// on it instead of starving the server of cores and memory. Stored hashes carry their
// own parameters ("$argon2id$v=19$m=…,t=…,p=1$…"); when the configured limits change,
// Verify() says so and the caller stores a fresh hash (rehash on next login).
//
// Thread safety: a PasswordHasher is shared by all threads.
// Errors: rule violations are Status values with French messages; a failure of libsodium
// itself (out of memory) throws std::runtime_error.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <semaphore>
#include <string>
#include <string_view>

#include "core/common/status.hpp"

namespace vivrovert::accounts {

// Password rules, in bytes of UTF-8 for the maximum (it bounds the hashing input) and in
// characters (code points) for the minimum, which is what people count.
inline constexpr size_t kMinPasswordChars = 10;
inline constexpr size_t kMaxPasswordBytes = 128;

// Checks a new password against the rules. `field` names the form field in the Status.
Status CheckPasswordRules(std::string_view password, std::string field = "password");

struct PasswordHashLimits {
  uint64_t opslimit;
  size_t memlimit;

  // libsodium's interactive limits: the production setting.
  static PasswordHashLimits Interactive();
  // The smallest limits libsodium accepts: for tests only, where thousands of hashes
  // must stay fast. Never use them for stored production hashes.
  static PasswordHashLimits Minimal();
};

class PasswordHasher {
 public:
  enum class Verdict {
    kMismatch,          // wrong password, or a stored hash we cannot read
    kMatch,             // right password, hash made with the current limits
    kMatchNeedsRehash,  // right password, but store a new Hash() of it
  };

  // `max_concurrent` hashes run at once (0: one per hardware thread).
  explicit PasswordHasher(PasswordHashLimits limits = PasswordHashLimits::Interactive(),
                          unsigned max_concurrent = 0);
  PasswordHasher(const PasswordHasher&) = delete;
  PasswordHasher& operator=(const PasswordHasher&) = delete;

  // A new salted hash of `password` in libsodium's string format. Blocks while
  // max_concurrent() hashes are running. Does not check the rules.
  std::string Hash(std::string_view password);

  // Compares `password` with `stored_hash` in constant time (libsodium). Blocks like Hash().
  Verdict Verify(std::string_view stored_hash, std::string_view password);

  const PasswordHashLimits& limits() const { return limits_; }
  unsigned max_concurrent() const { return max_concurrent_; }
  // Highest number of hashes seen running at once since construction (for monitoring
  // and for the test of the bound).
  unsigned peak_concurrent() const { return peak_concurrent_.load(); }

 private:
  class Slot;

  PasswordHashLimits limits_;
  unsigned max_concurrent_;
  std::counting_semaphore<> slots_;
  std::atomic<unsigned> running_{0};
  std::atomic<unsigned> peak_concurrent_{0};
};

}  // namespace vivrovert::accounts
