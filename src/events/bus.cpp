#include "events/bus.h"

#include "events/subscriber_registry.h"

namespace od::events {

nlohmann::json to_json(const Event& event) {
  return {{"id", event.id},
          {"topic", event.topic},
          {"type", event.type},
          {"at", event.at},
          {"data", event.data}};
}

Event event_from_json(const nlohmann::json& value) {
  Event event;
  event.id = value.at("id").get<std::string>();
  event.topic = value.at("topic").get<std::string>();
  event.type = value.at("type").get<std::string>();
  event.at = value.at("at").get<int64_t>();
  event.data = value.value("data", nlohmann::json::object());
  return event;
}

Subscription::Subscription(std::shared_ptr<SubscriberRegistry> registry, uint64_t id)
    : registry_(std::move(registry)), id_(id) {}

Subscription::Subscription(Subscription&& other) noexcept
    : registry_(std::move(other.registry_)), id_(other.id_) {}

Subscription& Subscription::operator=(Subscription&& other) noexcept {
  if (this != &other) {
    reset();
    registry_ = std::move(other.registry_);
    id_ = other.id_;
  }
  return *this;
}

Subscription::~Subscription() { reset(); }

void Subscription::reset() {
  if (!registry_) return;
  registry_->remove(id_);
  registry_.reset();
}

std::unique_ptr<EventBus> make_event_bus(const std::string& redis_url) {
  return redis_url.empty() ? make_memory_bus() : make_redis_bus(redis_url);
}

}  // namespace od::events
