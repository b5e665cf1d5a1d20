// The Redis bus against a real redis-server (OD_TEST_REDIS_URL, started by scripts/test.sh): two
// instances on one Redis see each other's events, and the reader comes back after Redis drops it.
#include <gtest/gtest.h>

#include <chrono>

#include "collector.h"
#include "core/ids.h"
#include "events/bus.h"
#include "redis/client.h"

namespace od::events {
namespace {

using namespace std::chrono_literals;
using testing::Collector;

std::string redis_url() {
  const char* url = std::getenv("OD_TEST_REDIS_URL");
  return url ? url : "";
}

#define REQUIRE_REDIS(url)                                                                 \
  ASSERT_FALSE((url).empty()) << "OD_TEST_REDIS_URL is not set; run the tests via "        \
                                 "scripts/test.sh (it starts redis-server), or set it to " \
                                 "redis://127.0.0.1:PORT"

// Every test has its own channel prefix, so runs sharing a Redis do not see each other.
std::string fresh_prefix() { return "od:test:" + new_id() + ":"; }

bool has_type(const std::vector<Event>& events, const std::string& type) {
  for (const auto& e : events) {
    if (e.type == type) return true;
  }
  return false;
}

TEST(RedisBus, TwoInstancesSeeEachOthersEvents) {
  std::string url = redis_url();
  REQUIRE_REDIS(url);
  std::string prefix = fresh_prefix();
  auto a = make_redis_bus(url, prefix);
  auto b = make_redis_bus(url, prefix);
  Collector on_a, on_b, elsewhere;
  auto sa = a->subscribe({"project:1"}, on_a.callback());
  auto sb = b->subscribe({"project:1"}, on_b.callback());
  auto other = b->subscribe({"project:2"}, elsewhere.callback());

  a->publish({"project:1", "project.updated", {{"revision", 7}}, "", 0});
  ASSERT_TRUE(on_b.wait_count(1)) << "b never saw a's event";
  ASSERT_TRUE(on_a.wait_count(1)) << "a did not see its own event";
  Event seen = on_b.events()[0];
  EXPECT_EQ(seen.type, "project.updated");
  EXPECT_EQ(seen.data["revision"], 7);
  EXPECT_EQ(seen.id, on_a.events()[0].id);
  EXPECT_TRUE(is_valid_id(seen.id));

  b->publish({"project:1", "project.deleted", {}, "", 0});
  ASSERT_TRUE(on_a.wait_count(2));
  EXPECT_EQ(on_a.events()[1].type, "project.deleted");
  // Redis delivers in order per connection, so project:2's silence is settled by now.
  ASSERT_TRUE(on_b.wait_count(2));
  EXPECT_TRUE(elsewhere.events().empty());
}

TEST(RedisBus, OtherPrefixesAreOtherDeployments) {
  std::string url = redis_url();
  REQUIRE_REDIS(url);
  auto a = make_redis_bus(url, fresh_prefix());
  auto b = make_redis_bus(url, fresh_prefix());
  Collector on_a, on_b;
  auto sa = a->subscribe({"t"}, on_a.callback());
  auto sb = b->subscribe({"t"}, on_b.callback());
  b->publish({"t", "from-b", {}, "", 0});
  a->publish({"t", "from-a", {}, "", 0});
  ASSERT_TRUE(on_a.wait_count(1));
  ASSERT_TRUE(on_b.wait_count(1));
  EXPECT_EQ(on_a.events()[0].type, "from-a");
  EXPECT_EQ(on_b.events()[0].type, "from-b");
}

TEST(RedisBus, SubscriberRecoversAfterRedisDropsIt) {
  std::string url = redis_url();
  REQUIRE_REDIS(url);
  std::string prefix = fresh_prefix();
  auto subscriber = make_redis_bus(url, prefix);
  auto publisher = make_redis_bus(url, prefix);
  Collector seen;
  auto s = subscriber->subscribe({"t"}, seen.callback());
  publisher->publish({"t", "before", {}, "", 0});
  ASSERT_TRUE(seen.wait_count(1));

  std::string error;
  auto admin = redis::connect(redis::parse_url(url), 1000ms, 1000ms, error);
  ASSERT_TRUE(admin) << error;
  auto killed = redis::command(admin.get(), error, "CLIENT KILL TYPE pubsub");
  ASSERT_TRUE(killed) << error;
  ASSERT_GE(killed->integer, 1);

  // Events sent while the reader reconnects are lost by design, so keep sending until one lands.
  auto deadline = std::chrono::steady_clock::now() + 15s;
  bool recovered = false;
  while (!recovered && std::chrono::steady_clock::now() < deadline) {
    publisher->publish({"t", "after", {}, "", 0});
    recovered = seen.wait_for([](const auto& events) { return has_type(events, "after"); }, 100ms);
  }
  EXPECT_TRUE(recovered) << "no event arrived after the subscriber connection was killed";
}

TEST(RedisBus, WithoutRedisEventsStillReachThisNode) {
  // Port 1 refuses connections: both the reader and the publisher fail.
  auto bus = make_redis_bus("redis://127.0.0.1:1", fresh_prefix());
  Collector seen;
  auto s = bus->subscribe({"t"}, seen.callback());
  bus->publish({"t", "local", {}, "", 0});
  ASSERT_EQ(seen.events().size(), 1u);
  EXPECT_EQ(seen.events()[0].type, "local");
  // Destroying the bus stops its reader in backoff at once (a test timeout would catch a hang).
}

TEST(RedisBus, RejectsBadUrls) {
  EXPECT_THROW(make_redis_bus("http://localhost:6379"), std::invalid_argument);
  EXPECT_THROW(make_redis_bus("redis://:6379"), std::invalid_argument);
  EXPECT_THROW(make_redis_bus("redis://host:port"), std::invalid_argument);
  EXPECT_EQ(redis::parse_url("redis://h:7/2").db, 2);
  EXPECT_EQ(redis::parse_url("redis://h").port, 6379);
}

}  // namespace
}  // namespace od::events
