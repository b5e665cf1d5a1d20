// A Room against a real store on both drivers, with fake peers: updates are relayed and stored,
// the background merge of recent updates keeps the state a joiner gets complete, rows another
// instance stored are picked up on resync without repeating what was seen, and the stored log
// is compacted once it grows.
#include "collab/room.h"

#include <gtest/gtest.h>

#include "unit/collab/fake_peer.h"

#include <mutex>
#include <thread>

#include "core/ids.h"
#include "engines/yjs/lib0_encoder.h"
#include "engines/yjs/state_vector.h"
#include "engines/yjs/update_ops.h"
#include "support/databases.h"

namespace od::collab {
namespace {

using yjs::Bytes;

// One update with one 5-character string item of `client` at `clock`, continuing its text.
Bytes typing_update(std::uint64_t client, std::uint64_t clock) {
  yjs::Lib0Encoder e;
  e.write_var_uint(1);
  e.write_var_uint(1);
  e.write_var_uint(client);
  e.write_var_uint(clock);
  if (clock == 0) {
    e.write_uint8(4);
    e.write_var_uint(1);
    e.write_var_string("t");
  } else {
    e.write_uint8(0x80 | 4);
    e.write_var_uint(client);
    e.write_var_uint(clock - 1);
  }
  e.write_var_string("hello");
  e.write_var_uint(0);
  return e.take();
}

std::string frame(const std::vector<std::uint8_t>& bytes) {
  return std::string(bytes.begin(), bytes.end());
}

template <typename Condition>
bool eventually(Condition condition) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::yield();
  }
  return condition();
}

class RoomTest : public od::testing::DatabaseTest {
 protected:
  void SetUp() override {
    DatabaseTest::SetUp();
    user_ = new_id();
    db().execute("INSERT INTO users (id, email, created_at, updated_at) VALUES ($1, $2, 0, 0)",
                 {user_, user_ + "@example.com"});
    project_ = new_id();
    db().execute(
        "INSERT INTO projects (id, owner_id, title, created_at, updated_at) "
        "VALUES ($1, $2, 'p', 0, 0)",
        {project_, user_});
    store_ = std::make_unique<CollabStore>(db());
    sessions_ = std::make_unique<SessionStore>(db());
    log_ = std::make_unique<UpdateLog>(*store_);
  }
  std::shared_ptr<Room> make_room(RoomLimits limits) {
    return std::make_shared<Room>(
        RoomName{project_, "design"},
        RoomServices{*store_, *sessions_, *bus_, *lock_, pool_, "me", *log_}, limits);
  }
  std::string room_key() const { return "project/" + project_ + "/design"; }

  std::string user_;
  std::string project_;
  std::unique_ptr<CollabStore> store_;
  std::unique_ptr<SessionStore> sessions_;
  std::unique_ptr<RoomBus> bus_ = make_local_room_bus();
  std::unique_ptr<CompactionLock> lock_ = make_local_compaction_lock();
  WorkerPool pool_{2, 1000, "test"};
  std::unique_ptr<UpdateLog> log_;  // after pool_: stopped first, its callbacks post to the pool
};

TEST_P(RoomTest, BackgroundMergesKeepTheStateAJoinerGetsComplete) {
  RoomLimits limits;
  limits.merge_after = 8;
  auto room = make_room(limits);
  auto writer = std::make_shared<FakePeer>(user_);
  ASSERT_TRUE(room->join(writer));
  for (std::uint64_t i = 0; i < 100; ++i) {
    ASSERT_TRUE(room->receive(writer, frame(yjs::encode_sync_update(typing_update(7, i * 5)))));
  }
  ASSERT_TRUE(eventually([&] { return writer->count(yjs::SyncType::kUpdate) == 100; }));
  EXPECT_EQ(store_->load(room_key()).size(), 100u);

  auto reader = std::make_shared<FakePeer>(user_);
  ASSERT_TRUE(room->join(reader));
  ASSERT_TRUE(room->receive(reader, frame(yjs::encode_sync_step1(yjs::encode_state_vector({})))));
  ASSERT_TRUE(eventually([&] { return reader->count(yjs::SyncType::kStep2) == 1; }));
  for (const auto& m : reader->decoded()) {
    if (m.sync_type == yjs::SyncType::kStep1) {
      EXPECT_EQ(yjs::decode_state_vector(m.payload), (yjs::StateVector{{7, 500}}));
    } else if (m.sync_type == yjs::SyncType::kStep2) {
      EXPECT_EQ(yjs::state_vector_from_update(m.payload), (yjs::StateVector{{7, 500}}));
    }
  }
  EXPECT_GT(room->held_bytes(), 0u);
  room->leave(writer, [] {});
  room->leave(reader, [] {});
  pool_.shutdown();
}

TEST_P(RoomTest, ResyncRelaysRowsAnotherInstanceStoredAndSkipsSeenOnes) {
  auto room = make_room({});
  auto peer = std::make_shared<FakePeer>(user_);
  ASSERT_TRUE(room->join(peer));
  ASSERT_TRUE(eventually([&] { return peer->count(yjs::SyncType::kStep1) == 1; }));
  // Another instance stored seqs 1 and 2; only 2 reached us on the bus.
  auto first = typing_update(9, 0), second = typing_update(9, 5);
  store_->append(room_key(), project_, frame(first));
  store_->append(room_key(), project_, frame(second));
  room->remote({RoomMessage::Kind::kUpdate, "other", room_key(), 2, frame(second)});
  room->remote({RoomMessage::Kind::kUpdate, "other", room_key(), 2, frame(second)});  // again
  ASSERT_TRUE(eventually([&] { return peer->count(yjs::SyncType::kUpdate) == 1; }));
  room->resync();
  ASSERT_TRUE(eventually([&] { return peer->count(yjs::SyncType::kUpdate) == 2; }));
  room->resync();  // nothing new
  auto late = std::make_shared<FakePeer>(user_);
  ASSERT_TRUE(room->join(late));
  ASSERT_TRUE(eventually([&] { return late->count(yjs::SyncType::kStep1) == 1; }));
  EXPECT_EQ(peer->count(yjs::SyncType::kUpdate), 2u);
  for (const auto& m : late->decoded()) {
    EXPECT_EQ(yjs::decode_state_vector(m.payload), (yjs::StateVector{{9, 10}}));
  }
  room->leave(peer, [] {});
  room->leave(late, [] {});
  pool_.shutdown();
}

TEST_P(RoomTest, CompactsTheStoredLogInTheBackground) {
  RoomLimits limits;
  limits.compact_after = 10;
  auto room = make_room(limits);
  auto writer = std::make_shared<FakePeer>(user_);
  ASSERT_TRUE(room->join(writer));
  for (std::uint64_t i = 0; i < 30; ++i) {
    ASSERT_TRUE(room->receive(writer, frame(yjs::encode_sync_update(typing_update(3, i * 5)))));
  }
  ASSERT_TRUE(eventually([&] { return writer->count(yjs::SyncType::kUpdate) == 30; }));
  ASSERT_TRUE(eventually([&] { return store_->load(room_key()).size() <= 11; }));
  std::vector<yjs::BytesView> rows;
  auto stored = store_->load(room_key());
  for (const auto& row : stored) {
    rows.push_back({reinterpret_cast<const std::uint8_t*>(row.data.data()), row.data.size()});
  }
  EXPECT_EQ(yjs::state_vector_from_update(yjs::merge_updates(rows)), (yjs::StateVector{{3, 150}}));
  room->leave(writer, [] {});
  pool_.shutdown();
}

OD_INSTANTIATE_DATABASE_TEST(RoomTest);

}  // namespace
}  // namespace od::collab
