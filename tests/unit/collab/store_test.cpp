// The collab tables on both drivers: binary updates round-trip exactly, seqs grow (also when
// appends race), compaction keeps later rows, restores renumber, snapshots go with their version,
// session rows expire, and rows go with their project.
#include "collab/store.h"

#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "collab/session_store.h"

#include "core/ids.h"
#include "support/databases.h"

namespace od::collab {
namespace {

class CollabStoreTest : public od::testing::DatabaseTest {
 protected:
  std::string add_project() {
    std::string user = new_id();
    db().execute("INSERT INTO users (id, email, created_at, updated_at) VALUES ($1, $2, 0, 0)",
                 {user, user + "@example.com"});
    std::string id = new_id();
    db().execute(
        "INSERT INTO projects (id, owner_id, title, created_at, updated_at) "
        "VALUES ($1, $2, 'p', 0, 0)",
        {id, user});
    return id;
  }
};

TEST_P(CollabStoreTest, AppendsAndLoadsBinaryUpdatesInOrder) {
  CollabStore store(db());
  std::string project = add_project();
  std::string room = "project/" + project + "/design";
  std::string binary("\0\x01\xff\xfe update", 10);
  EXPECT_EQ(store.append(room, project, binary), 1);
  EXPECT_EQ(store.append(room, project, "second"), 2);
  EXPECT_EQ(store.append("project/" + project + "/code/a.js", project, "other room"), 1);
  auto rows = store.load(room);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].seq, 1);
  EXPECT_EQ(rows[0].data, binary);
  EXPECT_EQ(rows[1].data, "second");
  EXPECT_TRUE(store.load("project/none/design").empty());
}

TEST_P(CollabStoreTest, CompactionReplacesRowsUpToASeqAndKeepsLaterOnes) {
  CollabStore store(db());
  std::string project = add_project();
  std::string room = "project/" + project + "/design";
  for (int i = 0; i < 5; ++i) store.append(room, project, "u" + std::to_string(i));
  store.compact(room, project, 3, "merged");
  auto rows = store.load(room);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].seq, 3);
  EXPECT_EQ(rows[0].data, "merged");
  EXPECT_EQ(rows[1].data, "u3");
  EXPECT_EQ(rows[2].data, "u4");
  EXPECT_EQ(store.append(room, project, "next"), 6);
}

TEST_P(CollabStoreTest, RowsGoWithTheirProject) {
  CollabStore store(db());
  std::string project = add_project();
  std::string room = "project/" + project + "/design";
  store.append(room, project, "u");
  db().execute("DELETE FROM projects WHERE id = $1", {project});
  EXPECT_TRUE(store.load(room).empty());
}

TEST_P(CollabStoreTest, RacingAppendsGetDistinctSeqs) {
  CollabStore store(db());
  std::string project = add_project();
  std::string room = "project/" + project + "/design";
  std::vector<std::thread> threads;
  std::vector<std::vector<int64_t>> seqs(4);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 10; ++i) seqs[t].push_back(store.append(room, project, "u"));
    });
  }
  for (auto& thread : threads) thread.join();
  std::set<int64_t> all;
  for (const auto& list : seqs) all.insert(list.begin(), list.end());
  EXPECT_EQ(all.size(), 40u);
  EXPECT_EQ(*all.rbegin(), 40);
  EXPECT_EQ(store.load(room).size(), 40u);
}

TEST_P(CollabStoreTest, LoadsWhatCameAfterASeq) {
  CollabStore store(db());
  std::string project = add_project();
  std::string room = "project/" + project + "/design";
  for (int i = 1; i <= 4; ++i) store.append(room, project, "u" + std::to_string(i));
  auto rows = store.load_since(room, 2);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].seq, 3);
  EXPECT_EQ(rows[1].data, "u4");
  EXPECT_TRUE(store.load_since(room, 4).empty());
}

TEST_P(CollabStoreTest, ReplaceKeepsOneRowNumberedAfterTheLast) {
  CollabStore store(db());
  std::string project = add_project();
  std::string room = "project/" + project + "/code/a.js";
  for (int i = 0; i < 3; ++i) store.append(room, project, "u");
  EXPECT_EQ(store.replace(room, project, "restored"), 4);
  auto rows = store.load(room);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].seq, 4);
  EXPECT_EQ(rows[0].data, "restored");
  EXPECT_EQ(store.append(room, project, "next"), 5);
  EXPECT_EQ(store.rooms_of(project), std::vector<std::string>{room});
}

TEST_P(CollabStoreTest, SnapshotsAreKeptPerVersionAndGoWithIt) {
  CollabStore store(db());
  std::string project = add_project();
  db().execute(
      "INSERT INTO project_versions (id, project_id, number, design_json, code, created_at) "
      "VALUES ($1, $2, 1, '{}', '{}', 0)",
      {new_id(), project});
  std::string binary("\0\xffstate", 7);
  store.save_snapshot(project, 1, "project/" + project + "/design", binary);
  store.save_snapshot(project, 1, "project/" + project + "/code/a.js", "code");
  auto saved = store.load_snapshot(project, 1);
  ASSERT_EQ(saved.size(), 2u);
  EXPECT_EQ(saved[0].second, "code");
  EXPECT_EQ(saved[1].second, binary);
  EXPECT_TRUE(store.load_snapshot(project, 2).empty());
  db().execute("DELETE FROM project_versions WHERE project_id = $1", {project});
  EXPECT_TRUE(store.load_snapshot(project, 1).empty());
}

TEST_P(CollabStoreTest, SessionRowsAreRefreshedByTheirInstanceAndExpireOtherwise) {
  SessionStore sessions(db());
  std::string project = add_project();
  std::string user =
      db().query("SELECT owner_id FROM projects WHERE id = $1", {project}).first()->text(0);
  std::string room = "project/" + project + "/design";
  sessions.add({"s1", room, project, user, "alive", true, 100, 1000});
  sessions.add({"s2", room, project, user, "dead", false, 200, 1000});
  EXPECT_EQ(sessions.online(project, 500, 10).size(), 2u);
  EXPECT_EQ(sessions.refresh("alive", 5000), 1);
  auto online = sessions.online(project, 2000, 10);
  ASSERT_EQ(online.size(), 1u);
  EXPECT_EQ(online[0].id, "s1");
  EXPECT_TRUE(online[0].can_edit);
  EXPECT_EQ(online[0].instance_id, "alive");
  EXPECT_EQ(sessions.sweep(2000), 1);
  sessions.remove("s1");
  EXPECT_TRUE(sessions.online(project, 0, 10).empty());
}

OD_INSTANTIATE_DATABASE_TEST(CollabStoreTest);

}  // namespace
}  // namespace od::collab
