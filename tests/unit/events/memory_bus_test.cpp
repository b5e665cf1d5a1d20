// The in-process bus: fan-out, topic filtering, and unsubscribing through the handle.
#include <gtest/gtest.h>

#include <future>
#include <thread>

#include "collector.h"
#include "events/bus.h"

namespace od::events {
namespace {

using testing::Collector;

TEST(MemoryBus, FansOutToEverySubscriberOfTheTopic) {
  auto bus = make_memory_bus();
  Collector a, b;
  auto sa = bus->subscribe({"project:1"}, a.callback());
  auto sb = bus->subscribe({"project:1", "project:2"}, b.callback());
  EXPECT_EQ(bus->subscriber_count(), 2u);

  bus->publish({"project:1", "project.updated", {{"revision", 2}}, "", 0});
  ASSERT_EQ(a.events().size(), 1u);
  ASSERT_EQ(b.events().size(), 1u);
  EXPECT_EQ(a.events()[0].type, "project.updated");
  EXPECT_EQ(a.events()[0].data["revision"], 2);
  // publish() names and dates the event for every subscriber alike.
  EXPECT_FALSE(a.events()[0].id.empty());
  EXPECT_GT(a.events()[0].at, 0);
  EXPECT_EQ(a.events()[0].id, b.events()[0].id);
}

TEST(MemoryBus, DeliversOnlyTheSubscribedTopics) {
  auto bus = make_memory_bus();
  Collector a;
  auto s = bus->subscribe({"project:1"}, a.callback());
  bus->publish({"project:2", "project.updated", {}, "", 0});
  bus->publish({"project:10", "project.updated", {}, "", 0});
  bus->publish({"project:1", "project.deleted", {}, "", 0});
  ASSERT_EQ(a.events().size(), 1u);
  EXPECT_EQ(a.events()[0].type, "project.deleted");
}

TEST(MemoryBus, NoCallbackOnceTheHandleIsGone) {
  auto bus = make_memory_bus();
  Collector kept, dropped;
  auto keep = bus->subscribe({"t"}, kept.callback());
  {
    auto gone = bus->subscribe({"t"}, dropped.callback());
    EXPECT_EQ(bus->subscriber_count(), 2u);
  }
  EXPECT_EQ(bus->subscriber_count(), 1u);
  bus->publish({"t", "x", {}, "", 0});
  EXPECT_EQ(kept.events().size(), 1u);
  EXPECT_TRUE(dropped.events().empty());

  keep.reset();
  EXPECT_FALSE(keep);
  EXPECT_EQ(bus->subscriber_count(), 0u);
  bus->publish({"t", "x", {}, "", 0});
  EXPECT_EQ(kept.events().size(), 1u);
}

TEST(MemoryBus, ResetWaitsForTheCallbackInFlight) {
  auto bus = make_memory_bus();
  std::promise<void> entered, release;
  std::shared_future<void> released = release.get_future().share();
  std::atomic<bool> running{false};
  auto s = bus->subscribe({"t"}, [&](const Event&) {
    running = true;
    entered.set_value();
    released.wait();
    running = false;
  });
  std::thread publisher([&] { bus->publish({"t", "x", {}, "", 0}); });
  entered.get_future().wait();
  auto reset = std::async(std::launch::async, [&] {
    s.reset();
    return running.load();  // must be false: reset() returned only after the callback did
  });
  // Still blocked behind the callback (a check that can only miss a bug, never invent one).
  EXPECT_EQ(reset.wait_for(std::chrono::milliseconds(50)), std::future_status::timeout);
  release.set_value();
  EXPECT_FALSE(reset.get());
  publisher.join();
}

TEST(MemoryBus, CallbackMayDropItsOwnSubscription) {
  auto bus = make_memory_bus();
  Subscription s;
  int calls = 0;
  s = bus->subscribe({"t"}, [&](const Event&) {
    ++calls;
    s.reset();  // must neither deadlock nor be called again
  });
  bus->publish({"t", "x", {}, "", 0});
  bus->publish({"t", "x", {}, "", 0});
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(bus->subscriber_count(), 0u);
}

TEST(MemoryBus, ThrowingSubscriberDoesNotStopTheOthers) {
  auto bus = make_memory_bus();
  Collector after;
  auto bad = bus->subscribe({"t"}, [](const Event&) { throw std::runtime_error("boom"); });
  auto good = bus->subscribe({"t"}, after.callback());
  bus->publish({"t", "x", {}, "", 0});
  EXPECT_EQ(after.events().size(), 1u);
}

TEST(EventJson, RoundTrips) {
  Event e{"project:1", "project.updated", {{"revision", 3}}, "id-1", 1234};
  Event back = event_from_json(nlohmann::json::parse(to_json(e).dump()));
  EXPECT_EQ(back.topic, e.topic);
  EXPECT_EQ(back.type, e.type);
  EXPECT_EQ(back.data, e.data);
  EXPECT_EQ(back.id, e.id);
  EXPECT_EQ(back.at, e.at);
  EXPECT_THROW(event_from_json(nlohmann::json::object()), nlohmann::json::exception);
}

}  // namespace
}  // namespace od::events
