// The event bus: how a module tells other modules, and other instances of the server, that
// something happened (a project changed, a job progressed, a user was deleted). Two transports
// behind one interface: in process (one node) and Redis pub/sub (every node sees every event).
// Events are notifications, not data: they name what changed and clients refetch, so a lost event
// costs a refresh, never correctness. Delivery is at most once and there is no replay.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace od::events {

struct Event {
  std::string topic;    // what it is about, e.g. "project:<id>" (see topics.h)
  std::string type;     // what happened, e.g. "project.updated"
  nlohmann::json data;  // small facts only: ids, revisions, field names; never content
  std::string id;       // unique and time-ordered; publish() fills it in when empty
  int64_t at = 0;       // unix ms; publish() fills it in when 0
};

// Wire form shared by every transport (and what SSE clients see, plus the SSE frame around it).
nlohmann::json to_json(const Event& event);
// Throws nlohmann::json::exception on a malformed payload.
Event event_from_json(const nlohmann::json& value);

class SubscriberRegistry;

// Keeps a subscription alive; destroying or reset()ting it unsubscribes. Once reset() returns, the
// callback is not running and will not run again (it waits for a call in flight on another thread;
// called from inside the callback itself, it only prevents further calls).
class Subscription {
 public:
  Subscription() = default;
  Subscription(std::shared_ptr<SubscriberRegistry> registry, uint64_t id);
  Subscription(Subscription&& other) noexcept;
  Subscription& operator=(Subscription&& other) noexcept;
  Subscription(const Subscription&) = delete;
  Subscription& operator=(const Subscription&) = delete;
  ~Subscription();

  void reset();
  explicit operator bool() const { return registry_ != nullptr; }

 private:
  std::shared_ptr<SubscriberRegistry> registry_;
  uint64_t id_ = 0;
};

class EventBus {
 public:
  using Callback = std::function<void(const Event&)>;

  virtual ~EventBus() = default;

  // Sends `event` to every subscriber of its topic, on this node and (Redis) on the others. Fills
  // in `id` and `at` when missing. Best effort: never throws; while Redis is unreachable the event
  // still reaches this node's subscribers and the outage is logged.
  virtual void publish(Event event) = 0;

  // Calls `callback` for every event on one of `topics` (exact names) until the returned handle
  // is gone. The callback runs on the bus's delivery thread (the publisher's thread in process,
  // the Redis reader thread otherwise), and one subscriber's calls never overlap: it must be cheap
  // and must not block (no database, no network); hand real work to a pool.
  virtual Subscription subscribe(std::vector<std::string> topics, Callback callback) = 0;

  // Subscriptions currently held on this node.
  virtual size_t subscriber_count() const = 0;
};

std::unique_ptr<EventBus> make_memory_bus();

// `redis://host[:port][/db]`. Redis channels are `<channel_prefix><topic>` (pub/sub ignores the
// db number, so the prefix is what separates deployments sharing one Redis). Connects lazily: the
// reader thread starts with the first subscription, the publisher with the first event.
std::unique_ptr<EventBus> make_redis_bus(const std::string& redis_url,
                                         std::string channel_prefix = "od:events:");

// Redis when `redis_url` is set, in process otherwise.
std::unique_ptr<EventBus> make_event_bus(const std::string& redis_url);

}  // namespace od::events
