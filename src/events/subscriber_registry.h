// This node's subscribers and the fan-out to them, shared by every EventBus transport: the
// transport decides where events come from, the registry decides who gets them. Unsubscribing is
// safe against a delivery in flight (see Subscription in bus.h).
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "events/bus.h"

namespace od::events {

// Always owned by a shared_ptr: subscriptions keep it alive, so a handle may outlive its bus.
class SubscriberRegistry : public std::enable_shared_from_this<SubscriberRegistry> {
 public:
  Subscription add(std::vector<std::string> topics, EventBus::Callback callback);
  // Runs the callbacks of the event's topic on the calling thread. A callback that throws is
  // logged and skipped: one bad subscriber does not starve the others.
  void deliver(const Event& event);
  size_t size() const;

 private:
  friend class Subscription;

  struct Entry {
    std::vector<std::string> topics;
    EventBus::Callback callback;
    std::mutex calling;                     // held while the callback runs; unsubscribe waits on it
    bool active = true;                     // guarded by `calling`
    std::atomic<std::thread::id> caller{};  // the thread inside the callback, if any
  };

  void remove(uint64_t id);

  mutable std::mutex mutex_;
  uint64_t next_id_ = 1;
  std::unordered_map<uint64_t, std::shared_ptr<Entry>> entries_;
  std::multimap<std::string, uint64_t> by_topic_;
};

}  // namespace od::events
