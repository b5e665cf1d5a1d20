// A Room against a real store on both drivers, with fake peers: updates are relayed and stored,
// the background merge of recent updates keeps the state a joiner gets complete, rows another
// instance stored are picked up on resync without repeating what was seen, and the stored log
// is compacted once it grows.
#include "collab/room.h"

#include <gtest/gtest.h>

#include "unit/collab/fake_peer.h"

#include <list>
#include <mutex>
#include <thread>

#include "core/ids.h"
#include "core/time.h"
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
    services_.push_back({*store_, *sessions_, *bus_, *lock_, pool_, instance_, *log_, limits});
    return std::make_shared<Room>(RoomName{project_, "design"}, services_.back());
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
  const std::string instance_ = "me";
  std::list<RoomServices> services_;  // one per room made: rooms keep a reference
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

TEST_P(RoomTest, EmptyUpdatesAreNeitherStoredNorRelayed) {
  auto room = make_room({});
  EXPECT_EQ(room->key(), room_key());
  EXPECT_EQ(room->project_id(), project_);
  auto writer = std::make_shared<FakePeer>(user_);
  auto other = std::make_shared<FakePeer>(user_);
  ASSERT_TRUE(room->join(writer));
  ASSERT_TRUE(room->join(other));
  // What y-websocket clients answer the server's SyncStep1 with when they have nothing new, on
  // every connect: as @y/websocket-server (its document does not change), nothing follows.
  ASSERT_TRUE(room->receive(writer, frame(yjs::encode_sync_step2(yjs::Bytes{0, 0}))));
  ASSERT_TRUE(room->receive(writer, frame(yjs::encode_sync_update(yjs::Bytes{0, 0}))));
  ASSERT_TRUE(room->receive(writer, frame(yjs::encode_sync_update(typing_update(4, 0)))));
  // Queued in order, so once the real update is relayed the empty ones were handled before it.
  ASSERT_TRUE(eventually([&] { return other->count(yjs::SyncType::kUpdate) == 1; }));
  EXPECT_EQ(writer->count(yjs::SyncType::kUpdate), 1u);
  EXPECT_EQ(other->count(yjs::SyncType::kStep2), 0u);
  auto rows = store_->load(room_key());
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].data, frame(typing_update(4, 0)));
  EXPECT_EQ(room->held_bytes(), 2 + typing_update(4, 0).size());  // the empty base + the update
  room->leave(writer, [] {});
  room->leave(other, [] {});
  pool_.shutdown();
}

TEST_P(RoomTest, ALeavingMemberTakesOnlyItsOwnAwarenessAlong) {
  auto room = make_room({});
  std::vector<std::shared_ptr<FakePeer>> peers;
  for (std::uint64_t client = 1; client <= 3; ++client) {
    auto peer = std::make_shared<FakePeer>(user_);
    peers.push_back(peer);
    ASSERT_TRUE(room->join(peer));
    auto update = yjs::encode_awareness_update(
        {{client, 1, R"({"user":"u)" + std::to_string(client) + R"("})"}});
    ASSERT_TRUE(room->receive(peer, frame(yjs::encode_awareness_message(update))));
  }
  auto nulls_seen_by = [](FakePeer& peer) {
    std::vector<std::uint64_t> gone;
    for (const auto& m : peer.decoded()) {
      if (m.type != yjs::MessageType::kAwareness) continue;
      for (const auto& entry : yjs::decode_awareness_update(m.payload)) {
        if (entry.state_json == "null") gone.push_back(entry.client);
      }
    }
    return gone;
  };
  // The first member leaves (the last takes its place); then the one that moved.
  room->leave(peers[0], [] {});
  ASSERT_TRUE(eventually([&] { return nulls_seen_by(*peers[1]).size() == 1; }));
  EXPECT_EQ(nulls_seen_by(*peers[2]), (std::vector<std::uint64_t>{1}));
  room->leave(peers[2], [] {});
  ASSERT_TRUE(eventually([&] { return nulls_seen_by(*peers[1]).size() == 2; }));
  EXPECT_EQ(nulls_seen_by(*peers[1]), (std::vector<std::uint64_t>{1, 3}));
  // The one left still gets the room's updates, and a newcomer sees only its awareness.
  ASSERT_TRUE(room->receive(peers[1], frame(yjs::encode_sync_update(typing_update(5, 0)))));
  ASSERT_TRUE(eventually([&] { return peers[1]->count(yjs::SyncType::kUpdate) == 1; }));
  auto late = std::make_shared<FakePeer>(user_);
  ASSERT_TRUE(room->join(late));
  ASSERT_TRUE(eventually([&] { return late->decoded().size() == 2; }));
  auto states = yjs::decode_awareness_update(late->decoded()[1].payload);
  ASSERT_EQ(states.size(), 1u);
  EXPECT_EQ(states[0].client, 2u);
  // Each leave removed that member's collab_sessions row, and only that one.
  EXPECT_EQ(sessions_->online(project_, now_ms(), 10).size(), 2u);
  room->leave(peers[1], [] {});
  room->leave(late, [] {});
  EXPECT_TRUE(eventually([&] { return sessions_->online(project_, now_ms(), 10).empty(); }));
  pool_.shutdown();
}

OD_INSTANTIATE_DATABASE_TEST(RoomTest);

}  // namespace
}  // namespace od::collab
