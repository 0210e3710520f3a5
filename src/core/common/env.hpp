// The environment a component depends on, injected so tests control it.
//
// Clock: wall-clock time in whole seconds since the Unix epoch (UTC). Every stored
// timestamp in VivroVert uses this unit. Jobs and time-dependent rules (token expiry,
// nightly runs, throttling windows) read time only through a Clock.
//
// Random: cryptographically secure bytes (libsodium). Tests may substitute a
// deterministic source, never production code.
//
// Implementations are thread-safe.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

namespace vivrovert {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual int64_t NowSeconds() const = 0;
};

class SystemClock final : public Clock {
 public:
  int64_t NowSeconds() const override;
  // A process-wide instance.
  static const Clock& Instance();
};

// A clock that only moves when told; for tests.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(int64_t now) : now_(now) {}
  int64_t NowSeconds() const override { return now_.load(); }
  void Set(int64_t now) { now_.store(now); }
  void Advance(int64_t seconds) { now_.fetch_add(seconds); }

 private:
  std::atomic<int64_t> now_;
};

class Random {
 public:
  virtual ~Random() = default;
  virtual void Fill(void* buffer, size_t size) = 0;

  // `bytes` random bytes encoded as URL-safe base64 without padding.
  std::string Token(size_t bytes = 32);
};

class SecureRandom final : public Random {
 public:
  void Fill(void* buffer, size_t size) override;
  static Random& Instance();
};

}  // namespace vivrovert
