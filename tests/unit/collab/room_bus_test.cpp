// Room traffic between instances: the wire form round-trips and rejects what it did not make;
// Redis carries them between two buses; the compaction lock admits one holder per room, in process
// and (against a real redis-server, OD_TEST_REDIS_URL) across instances, and a holder only frees
// its own lock.
#include <gtest/gtest.h>

#include <condition_variable>
#include <cstdlib>
#include <mutex>

#include "collab/compaction_lock.h"
#include "collab/room_bus.h"
#include "core/ids.h"

namespace od::collab {
namespace {

using std::chrono::milliseconds;

TEST(RoomBus, MessagesRoundTrip) {
  RoomMessage m{RoomMessage::Kind::kUpdate, "instance-1", "project/p/design", 42,
                std::string("\0\x01\xffupdate", 9)};
  auto decoded = decode_room_message(encode_room_message(m));
  ASSERT_TRUE(decoded);
  EXPECT_EQ(decoded->kind, m.kind);
  EXPECT_EQ(decoded->origin, m.origin);
  EXPECT_EQ(decoded->room, m.room);
  EXPECT_EQ(decoded->seq, 42);
  EXPECT_EQ(decoded->payload, m.payload);
}

TEST(RoomBus, RejectsWhatItDidNotMake) {
  std::string good = encode_room_message({RoomMessage::Kind::kNotice, "i", "p", 0, "{}"});
  for (const std::string& bad : {std::string(), std::string("\x09", 1), good.substr(0, 3),
                                 good + "x", std::string("\x01\xff\xff\xff", 4)}) {
    EXPECT_FALSE(decode_room_message(bad)) << bad.size();
  }
}

TEST(RoomBus, RedisCarriesMessagesBetweenInstances) {
  const char* url = std::getenv("OD_TEST_REDIS_URL");
  ASSERT_TRUE(url && *url) << "OD_TEST_REDIS_URL is not set; run the tests via scripts/test.sh";
  std::string prefix = "od-test-bus-" + new_id() + ":";
  auto a = make_redis_room_bus(url, prefix);
  auto b = make_redis_room_bus(url, prefix);
  std::mutex mutex;
  std::condition_variable arrived;
  std::vector<RoomMessage> received;
  b->start(
      [&](RoomMessage m) {
        std::lock_guard lock(mutex);
        received.push_back(std::move(m));
        arrived.notify_all();
      },
      [] {});
  ASSERT_TRUE(a->publish({RoomMessage::Kind::kUpdate, "a", "project/p/design", 7, "bytes"}));
  ASSERT_TRUE(a->publish({RoomMessage::Kind::kNotice, "a", "p", 0, "{}"}));
  std::unique_lock lock(mutex);
  ASSERT_TRUE(
      arrived.wait_for(lock, std::chrono::seconds(5), [&] { return received.size() == 2; }));
  EXPECT_EQ(received[0].room, "project/p/design");
  EXPECT_EQ(received[0].seq, 7);
  EXPECT_EQ(received[0].payload, "bytes");
  EXPECT_EQ(received[1].kind, RoomMessage::Kind::kNotice);
  lock.unlock();
  b->stop();
}

void expect_one_holder(CompactionLock& lock, const std::string& room) {
  auto first = lock.try_lock(room, milliseconds(10'000));
  ASSERT_TRUE(first);
  EXPECT_FALSE(lock.try_lock(room, milliseconds(10'000)));
  EXPECT_TRUE(lock.try_lock(room + "-other", milliseconds(10'000)));
  lock.unlock(room, *first);
  auto again = lock.try_lock(room, milliseconds(10'000));
  ASSERT_TRUE(again);
  lock.unlock(room, *again);
}

TEST(CompactionLock, OneHolderPerRoomInProcess) {
  auto lock = make_local_compaction_lock();
  expect_one_holder(*lock, "project/p/design");
}

TEST(CompactionLock, OneHolderPerRoomAcrossInstancesWithRedis) {
  const char* url = std::getenv("OD_TEST_REDIS_URL");
  ASSERT_TRUE(url && *url) << "OD_TEST_REDIS_URL is not set; run the tests via scripts/test.sh";
  auto a = make_redis_compaction_lock(url, "od-test-lock:");
  auto b = make_redis_compaction_lock(url, "od-test-lock:");
  std::string room = "project/" + new_id() + "/design";
  expect_one_holder(*a, room);
  auto held = a->try_lock(room, milliseconds(10'000));
  ASSERT_TRUE(held);
  EXPECT_FALSE(b->try_lock(room, milliseconds(10'000)));
  b->unlock(room, "not-the-token");  // must not free a's lock
  EXPECT_FALSE(b->try_lock(room, milliseconds(10'000)));
  a->unlock(room, *held);
  auto taken = b->try_lock(room, milliseconds(10'000));
  EXPECT_TRUE(taken);
  b->unlock(room, *taken);
  // An expired lock is free again: its holder died.
  ASSERT_TRUE(a->try_lock(room + "-short", milliseconds(50)));
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  std::optional<std::string> after;
  while (!after && std::chrono::steady_clock::now() < deadline) {
    after = b->try_lock(room + "-short", milliseconds(10'000));
  }
  EXPECT_TRUE(after);
}

}  // namespace
}  // namespace od::collab
