#include "events/subscriber_registry.h"

#include <algorithm>

#include "core/log.h"

namespace od::events {

Subscription SubscriberRegistry::add(std::vector<std::string> topics, EventBus::Callback callback) {
  std::sort(topics.begin(), topics.end());
  topics.erase(std::unique(topics.begin(), topics.end()), topics.end());
  auto entry = std::make_shared<Entry>();
  entry->topics = std::move(topics);
  entry->callback = std::move(callback);
  uint64_t id;
  {
    std::lock_guard lock(mutex_);
    id = next_id_++;
    for (const auto& topic : entry->topics) by_topic_.emplace(topic, id);
    entries_.emplace(id, std::move(entry));
  }
  return Subscription(shared_from_this(), id);
}

void SubscriberRegistry::remove(uint64_t id) {
  std::shared_ptr<Entry> entry;
  {
    std::lock_guard lock(mutex_);
    auto it = entries_.find(id);
    if (it == entries_.end()) return;
    entry = std::move(it->second);
    entries_.erase(it);
    for (const auto& topic : entry->topics) {
      auto [first, last] = by_topic_.equal_range(topic);
      for (auto t = first; t != last; ++t) {
        if (t->second == id) {
          by_topic_.erase(t);
          break;
        }
      }
    }
  }
  // From inside its own callback the lock is already held by this thread: waiting would deadlock,
  // and the flag below (read by deliver() before each call) is all that is needed.
  if (entry->caller.load() == std::this_thread::get_id()) {
    entry->active = false;
    return;
  }
  std::lock_guard calling(entry->calling);
  entry->active = false;
}

void SubscriberRegistry::deliver(const Event& event) {
  std::vector<std::shared_ptr<Entry>> targets;
  {
    std::lock_guard lock(mutex_);
    auto [first, last] = by_topic_.equal_range(event.topic);
    for (auto t = first; t != last; ++t) targets.push_back(entries_.at(t->second));
  }
  for (const auto& entry : targets) {
    std::lock_guard calling(entry->calling);
    if (!entry->active) continue;
    entry->caller = std::this_thread::get_id();
    try {
      entry->callback(event);
    } catch (const std::exception& e) {
      log::error("event subscriber threw", {{"topic", event.topic}, {"error", e.what()}});
    } catch (...) {
      log::error("event subscriber threw", {{"topic", event.topic}});
    }
    entry->caller = std::thread::id();
  }
}

size_t SubscriberRegistry::size() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

}  // namespace od::events
