#include "core/common/env.hpp"

#include <sodium.h>

#include <chrono>
#include <stdexcept>
#include <vector>

namespace vivrovert {

int64_t SystemClock::NowSeconds() const {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

const Clock& SystemClock::Instance() {
  static const SystemClock clock;
  return clock;
}

std::string Random::Token(size_t bytes) {
  std::vector<unsigned char> raw(bytes);
  Fill(raw.data(), raw.size());
  std::string out(sodium_base64_ENCODED_LEN(bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
  sodium_bin2base64(out.data(), out.size(), raw.data(), raw.size(),
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(out.find('\0') == std::string::npos ? out.size() : out.find('\0'));
  return out;
}

void SecureRandom::Fill(void* buffer, size_t size) { randombytes_buf(buffer, size); }

Random& SecureRandom::Instance() {
  // sodium_init is idempotent and thread-safe; it must run before any libsodium call.
  static const bool initialised = [] {
    if (sodium_init() < 0) throw std::runtime_error("libsodium could not be initialised");
    return true;
  }();
  (void)initialised;
  static SecureRandom random;
  return random;
}

}  // namespace vivrovert
