// The collab update log on both drivers: binary updates round-trip exactly, seqs grow, compaction
// keeps later rows, and rows go with their project.
#include "collab/store.h"

#include <gtest/gtest.h>

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

OD_INSTANTIATE_DATABASE_TEST(CollabStoreTest);

}  // namespace
}  // namespace od::collab
