// A circuit breaker in front of an AI provider, so a provider that is down makes dependent jobs
// fail at once with a clear code instead of each waiting out its timeouts and retries.
//
//   closed --(failure_threshold consecutive failures)--> open
//   open --(cooldown passed; the next allow())--> half-open: exactly one probe goes through
//   half-open --probe succeeds--> closed;  --probe fails--> open for another cooldown
//
// Each allowed call gets a Permit and reports its outcome with it. A permit carries the epoch it
// was issued in, so an outcome of a call that started before the state last changed (a slow call
// admitted while closed finishing after the breaker opened) does not move the breaker. Thread-safe;
// the clock is injected so tests drive the cooldown without sleeping.
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>

namespace od::ai {

class CircuitBreaker {
 public:
  using Clock = std::function<int64_t()>;  // milliseconds, monotonic
  enum class State { Closed, Open, HalfOpen };

  struct Options {
    int failure_threshold = 5;
    int64_t cooldown_ms = 30000;
  };

  struct Permit {
    uint64_t epoch = 0;
    bool probe = false;
  };

  explicit CircuitBreaker(Options options, Clock clock = steady_ms);

  // A permit when a call may go ahead now, nullopt when the breaker is open (or half-open with
  // its probe out).
  std::optional<Permit> allow();
  void record_success(const Permit& permit);
  void record_failure(const Permit& permit);
  // The call ended without telling anything about the provider (cancelled, request rejected):
  // a probe's slot is given back so the next call may probe.
  void record_abandoned(const Permit& permit);

  State state();
  // While open: milliseconds until a probe is let through (0 otherwise).
  int64_t retry_in_ms();

  static int64_t steady_ms();

 private:
  void open_locked(int64_t now);

  const Options options_;
  const Clock clock_;
  std::mutex mutex_;
  State state_ = State::Closed;
  uint64_t epoch_ = 0;  // bumped by every state change
  int consecutive_failures_ = 0;
  int64_t opened_at_ = 0;
  bool probe_out_ = false;
};

const char* state_name(CircuitBreaker::State state);

}  // namespace od::ai
