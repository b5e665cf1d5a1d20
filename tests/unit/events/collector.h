// Test helper: collects events from a bus callback and lets the test wait for them with a
// deadline (no sleeping).
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <vector>

#include "events/bus.h"

namespace od::events::testing {

class Collector {
 public:
  EventBus::Callback callback() {
    return [this](const Event& event) {
      {
        std::lock_guard lock(mutex_);
        events_.push_back(event);
      }
      changed_.notify_all();
    };
  }

  // True once `done(events so far)` holds, false if it still does not after `timeout`.
  bool wait_for(const std::function<bool(const std::vector<Event>&)>& done,
                std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] { return done(events_); });
  }
  bool wait_count(size_t n, std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    return wait_for([n](const std::vector<Event>& e) { return e.size() >= n; }, timeout);
  }

  std::vector<Event> events() {
    std::lock_guard lock(mutex_);
    return events_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<Event> events_;
};

}  // namespace od::events::testing
