#include "ai/circuit_breaker.h"

#include <chrono>

namespace od::ai {

const char* state_name(CircuitBreaker::State state) {
  switch (state) {
    case CircuitBreaker::State::Closed:
      return "closed";
    case CircuitBreaker::State::Open:
      return "open";
    case CircuitBreaker::State::HalfOpen:
      return "half_open";
  }
  return "unknown";
}

int64_t CircuitBreaker::steady_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

CircuitBreaker::CircuitBreaker(Options options, Clock clock)
    : options_(options), clock_(std::move(clock)) {}

std::optional<CircuitBreaker::Permit> CircuitBreaker::allow() {
  std::lock_guard lock(mutex_);
  switch (state_) {
    case State::Closed:
      return Permit{epoch_, false};
    case State::Open:
      if (clock_() - opened_at_ < options_.cooldown_ms) return std::nullopt;
      state_ = State::HalfOpen;
      ++epoch_;
      probe_out_ = true;
      return Permit{epoch_, true};
    case State::HalfOpen:
      if (probe_out_) return std::nullopt;
      probe_out_ = true;
      return Permit{epoch_, true};
  }
  return std::nullopt;
}

void CircuitBreaker::record_success(const Permit& permit) {
  std::lock_guard lock(mutex_);
  if (permit.epoch != epoch_) return;
  if (state_ == State::HalfOpen && permit.probe) {
    state_ = State::Closed;
    ++epoch_;
    probe_out_ = false;
  }
  consecutive_failures_ = 0;
}

void CircuitBreaker::record_failure(const Permit& permit) {
  std::lock_guard lock(mutex_);
  if (permit.epoch != epoch_) return;
  if (state_ == State::HalfOpen && permit.probe) {
    open_locked(clock_());
    return;
  }
  if (state_ == State::Closed && ++consecutive_failures_ >= options_.failure_threshold) {
    open_locked(clock_());
  }
}

void CircuitBreaker::record_abandoned(const Permit& permit) {
  std::lock_guard lock(mutex_);
  if (permit.epoch == epoch_ && state_ == State::HalfOpen && permit.probe) probe_out_ = false;
}

void CircuitBreaker::open_locked(int64_t now) {
  state_ = State::Open;
  ++epoch_;
  opened_at_ = now;
  probe_out_ = false;
  consecutive_failures_ = 0;
}

CircuitBreaker::State CircuitBreaker::state() {
  std::lock_guard lock(mutex_);
  return state_;
}

int64_t CircuitBreaker::retry_in_ms() {
  std::lock_guard lock(mutex_);
  if (state_ != State::Open) return 0;
  int64_t left = options_.cooldown_ms - (clock_() - opened_at_);
  return left > 0 ? left : 0;
}

}  // namespace od::ai
