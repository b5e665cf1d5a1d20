// The Redis transport of the event bus (redis/pubsub.h): every node PSUBSCRIBEs to the whole
// prefix and hands each event to its own registry, which filters by topic. Events published while
// Redis is away are lost to other nodes (they are notifications; clients refetch) but still reach
// this node's subscribers.
#include "core/ids.h"
#include "core/log.h"
#include "core/time.h"
#include "events/bus.h"
#include "events/subscriber_registry.h"
#include "redis/pubsub.h"

namespace od::events {
namespace {

class RedisBus : public EventBus {
 public:
  RedisBus(const std::string& url, std::string channel_prefix)
      : prefix_(std::move(channel_prefix)),
        publisher_(redis::parse_url(url), "event bus", "events reach this node only"),
        subscriber_(redis::parse_url(url), prefix_, "event bus") {}

  void publish(Event event) override {
    if (event.id.empty()) event.id = new_id();
    if (event.at == 0) event.at = now_ms();
    if (!publisher_.publish(prefix_ + event.topic, to_json(event).dump())) {
      registry_->deliver(event);
    }
  }

  Subscription subscribe(std::vector<std::string> topics, Callback callback) override {
    Subscription subscription = registry_->add(std::move(topics), std::move(callback));
    // The first subscription starts the reader; each waits (bounded) for its first attempt so an
    // event published right after subscribe() returns is not missed while the reader connects.
    subscriber_.start([registry = registry_](std::string_view, std::string_view payload) {
      try {
        registry->deliver(event_from_json(nlohmann::json::parse(payload)));
      } catch (const nlohmann::json::exception& e) {
        log::warn("event bus: ignoring a malformed message", {{"error", e.what()}});
      }
    });
    return subscription;
  }

  size_t subscriber_count() const override { return registry_->size(); }

 private:
  const std::string prefix_;
  const std::shared_ptr<SubscriberRegistry> registry_ = std::make_shared<SubscriberRegistry>();
  redis::Publisher publisher_;
  redis::PatternSubscriber subscriber_;  // last: stopped (joined) first on destruction
};

}  // namespace

std::unique_ptr<EventBus> make_redis_bus(const std::string& redis_url, std::string channel_prefix) {
  return std::make_unique<RedisBus>(redis_url, std::move(channel_prefix));
}

}  // namespace od::events
