#include "domain/accounts/password_hasher.hpp"

#include <sodium.h>

#include <algorithm>
#include <stdexcept>
#include <thread>

#include "core/common/env.hpp"

namespace vivrovert::accounts {

namespace {

// Code points of valid or invalid UTF-8 alike: continuation bytes are not counted.
size_t CountChars(std::string_view text) {
  size_t count = 0;
  for (char c : text) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++count;
  }
  return count;
}

}  // namespace

Status CheckPasswordRules(std::string_view password, std::string field) {
  if (password.empty()) {
    return InvalidArgument("Choisissez un mot de passe.", std::move(field));
  }
  if (password.size() > kMaxPasswordBytes) {
    return InvalidArgument("Le mot de passe est trop long (128 caractères au plus).",
                           std::move(field));
  }
  if (CountChars(password) < kMinPasswordChars) {
    return InvalidArgument("Le mot de passe doit compter au moins 10 caractères.",
                           std::move(field));
  }
  return Status::Ok();
}

PasswordHashLimits PasswordHashLimits::Interactive() {
  return {crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE};
}

PasswordHashLimits PasswordHashLimits::Minimal() {
  return {crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN};
}

// Holds one of the hasher's slots for the duration of a hash.
class PasswordHasher::Slot {
 public:
  explicit Slot(PasswordHasher& hasher) : hasher_(hasher) {
    hasher_.slots_.acquire();
    unsigned running = hasher_.running_.fetch_add(1) + 1;
    unsigned peak = hasher_.peak_concurrent_.load();
    while (running > peak && !hasher_.peak_concurrent_.compare_exchange_weak(peak, running)) {
    }
  }
  Slot(const Slot&) = delete;
  Slot& operator=(const Slot&) = delete;
  ~Slot() {
    hasher_.running_.fetch_sub(1);
    hasher_.slots_.release();
  }

 private:
  PasswordHasher& hasher_;
};

PasswordHasher::PasswordHasher(PasswordHashLimits limits, unsigned max_concurrent)
    : limits_(limits),
      max_concurrent_(max_concurrent != 0 ? max_concurrent
                                          : std::max(1u, std::thread::hardware_concurrency())),
      slots_(static_cast<std::ptrdiff_t>(max_concurrent_)) {
  SecureRandom::Instance();  // runs sodium_init()
}

std::string PasswordHasher::Hash(std::string_view password) {
  char out[crypto_pwhash_STRBYTES];
  Slot slot(*this);
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), limits_.opslimit,
                            limits_.memlimit, crypto_pwhash_ALG_ARGON2ID13) != 0) {
    throw std::runtime_error("argon2id hashing failed (out of memory?)");
  }
  return out;
}

PasswordHasher::Verdict PasswordHasher::Verify(std::string_view stored_hash,
                                               std::string_view password) {
  // libsodium wants a NUL-terminated hash that fits crypto_pwhash_STRBYTES.
  std::string hash(stored_hash);
  if (hash.size() >= crypto_pwhash_STRBYTES) return Verdict::kMismatch;
  int verified = -1;
  {
    Slot slot(*this);
    verified = crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size());
  }
  if (verified != 0) return Verdict::kMismatch;
  // Non-zero for other limits and also for another algorithm (an old argon2i hash).
  return crypto_pwhash_str_needs_rehash(hash.c_str(), limits_.opslimit, limits_.memlimit) == 0
             ? Verdict::kMatch
             : Verdict::kMatchNeedsRehash;
}

}  // namespace vivrovert::accounts
