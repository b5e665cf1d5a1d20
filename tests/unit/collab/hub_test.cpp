// The Hub on both drivers, with fake peers: rooms unload at once or after their idle time, a
// user's connections are bounded, notices reach only the peers that asked for them, and joins
// are recorded in collab_sessions with this instance's id.
#include "collab/hub.h"

#include <gtest/gtest.h>

#include <thread>

#include "core/ids.h"
#include "core/time.h"
#include "support/databases.h"
#include "unit/collab/fake_peer.h"

namespace od::collab {
namespace {

template <typename Condition>
bool eventually(Condition condition) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::yield();
  }
  return condition();
}

class HubTest : public od::testing::DatabaseTest {
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
  }
  RoomName room(const std::string& document = "design") { return {project_, document}; }

  std::string user_;
  std::string project_;
  std::unique_ptr<CollabStore> store_;
  std::unique_ptr<SessionStore> sessions_;
};

TEST_P(HubTest, UnloadsARoomAtOnceWithoutIdleTime) {
  Hub hub(*store_, *sessions_, {});
  auto peer = std::make_shared<FakePeer>(user_);
  auto joined = hub.join(room(), peer);
  ASSERT_TRUE(joined);
  EXPECT_EQ(hub.open_rooms(), 1u);
  EXPECT_EQ(hub.connections(), 1u);
  hub.leave(joined, peer);
  EXPECT_TRUE(eventually([&] { return hub.open_rooms() == 0; }));
}

TEST_P(HubTest, KeepsAnIdleRoomForItsIdleTime) {
  HubOptions options;
  options.idle_unload = std::chrono::seconds(1);
  options.heartbeat = std::chrono::milliseconds(20);
  Hub hub(*store_, *sessions_, options);
  auto peer = std::make_shared<FakePeer>(user_);
  auto joined = hub.join(room(), peer);
  auto left_at = std::chrono::steady_clock::now();
  hub.leave(joined, peer);
  ASSERT_TRUE(eventually([&] { return hub.connections() == 0; }));
  if (std::chrono::steady_clock::now() - left_at < std::chrono::milliseconds(900)) {
    EXPECT_EQ(hub.open_rooms(), 1u);
  }
  EXPECT_TRUE(eventually([&] { return hub.open_rooms() == 0; }));
  EXPECT_GE(std::chrono::steady_clock::now() - left_at, std::chrono::seconds(1));
}

TEST_P(HubTest, BoundsAUsersConnections) {
  HubOptions options;
  options.max_rooms_per_user = 2;
  Hub hub(*store_, *sessions_, options);
  EXPECT_TRUE(hub.claim_user_slot("u"));
  EXPECT_TRUE(hub.claim_user_slot("u"));
  EXPECT_FALSE(hub.claim_user_slot("u"));
  EXPECT_TRUE(hub.claim_user_slot("someone else"));
  hub.release_user_slot("u");
  EXPECT_TRUE(hub.claim_user_slot("u"));
}

TEST_P(HubTest, SendsNoticesToPeersThatAskedAndRecordsSessions) {
  Hub hub(*store_, *sessions_, {});
  auto listener = std::make_shared<FakePeer>(user_, /*notices=*/true);
  auto plain = std::make_shared<FakePeer>(user_);
  auto design = hub.join(room(), listener);
  auto code = hub.join(room("code/a.js"), plain);
  ASSERT_TRUE(eventually([&] { return sessions_->online(project_, now_ms(), 10).size() == 2; }));
  for (const auto& s : sessions_->online(project_, now_ms(), 10)) {
    EXPECT_EQ(s.instance_id, hub.instance_id());
    EXPECT_EQ(s.user_id, user_);
  }
  hub.notify_project(project_, R"({"type":"comment.created"})");
  hub.notify_project("another-project", R"({"type":"elsewhere"})");
  ASSERT_TRUE(eventually([&] {
    for (const auto& m : listener->raw()) {
      if (static_cast<unsigned char>(m[0]) == kNoticeMessageType) return true;
    }
    return false;
  }));
  for (const auto& m : listener->raw()) EXPECT_EQ(m.find("elsewhere"), std::string::npos);
  for (const auto& m : plain->raw()) {
    EXPECT_NE(static_cast<unsigned char>(m[0]), kNoticeMessageType);
  }
  hub.leave(design, listener);
  hub.leave(code, plain);
  EXPECT_TRUE(eventually([&] { return sessions_->online(project_, now_ms(), 10).empty(); }));
}

OD_INSTANTIATE_DATABASE_TEST(HubTest);

}  // namespace
}  // namespace od::collab
