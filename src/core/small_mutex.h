// A mutex in 4 bytes for objects a server holds tens of thousands of (a room's queue, a
// collaboration session, a WebSocket), where std::mutex takes 40. An uncontended lock or unlock
// is one atomic operation; a contended lock sleeps (C++20 atomic wait: a futex on Linux) rather
// than spin.
// Not recursive, no try_lock: it meets BasicLockable, enough for std::lock_guard.
#pragma once

#include <atomic>
#include <cstdint>

namespace od {

class SmallMutex {
 public:
  SmallMutex() = default;
  SmallMutex(const SmallMutex&) = delete;
  SmallMutex& operator=(const SmallMutex&) = delete;

  void lock() {
    std::uint32_t seen = kFree;
    if (state_.compare_exchange_strong(seen, kLocked, std::memory_order_acquire)) return;
    // Held: mark it contended (so unlock() wakes a sleeper) and sleep until we take it free.
    if (seen != kContended) seen = state_.exchange(kContended, std::memory_order_acquire);
    while (seen != kFree) {
      state_.wait(kContended, std::memory_order_relaxed);
      seen = state_.exchange(kContended, std::memory_order_acquire);
    }
  }

  void unlock() {
    if (state_.exchange(kFree, std::memory_order_release) == kContended) state_.notify_one();
  }

 private:
  static constexpr std::uint32_t kFree = 0;
  static constexpr std::uint32_t kLocked = 1;     // held, nobody waiting
  static constexpr std::uint32_t kContended = 2;  // held, and someone may be waiting
  std::atomic<std::uint32_t> state_{kFree};
};

}  // namespace od
