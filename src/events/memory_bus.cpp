// The in-process transport: publish() fans out on the publisher's own thread, so an event has
// reached every local callback by the time publish() returns.
#include "core/ids.h"
#include "core/time.h"
#include "events/bus.h"
#include "events/subscriber_registry.h"

namespace od::events {
namespace {

class MemoryBus : public EventBus {
 public:
  void publish(Event event) override {
    if (event.id.empty()) event.id = new_id();
    if (event.at == 0) event.at = now_ms();
    registry_->deliver(event);
  }

  Subscription subscribe(std::vector<std::string> topics, Callback callback) override {
    return registry_->add(std::move(topics), std::move(callback));
  }

  size_t subscriber_count() const override { return registry_->size(); }

 private:
  std::shared_ptr<SubscriberRegistry> registry_ = std::make_shared<SubscriberRegistry>();
};

}  // namespace

std::unique_ptr<EventBus> make_memory_bus() { return std::make_unique<MemoryBus>(); }

}  // namespace od::events
