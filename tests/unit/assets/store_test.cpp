// The assets table on SQLite and PostgreSQL: quota-checked inserts, references per blob, usage,
// paging, and what happens to assets when their project or owner goes.
#include "assets/store.h"

#include <gtest/gtest.h>

#include "core/ids.h"
#include "support/databases.h"

namespace od::assets {
namespace {

class AssetStoreTest : public od::testing::DatabaseTest {
 protected:
  std::string user() {
    std::string id = new_id();
    db().execute("INSERT INTO users (id, email, created_at, updated_at) VALUES ($1, $2, 0, 0)",
                 {id, id + "@example.com"});
    return id;
  }
  Asset asset(const std::string& owner, int64_t size, const std::string& sha = "aa") {
    Asset a;
    a.id = new_id();
    a.owner_id = owner;
    a.filename = "f.png";
    a.content_type = "image/png";
    a.size = size;
    a.sha256 = sha;
    a.status = "ready";
    a.created_at = 1;
    return a;
  }
};

TEST_P(AssetStoreTest, InsertsAndFinds) {
  AssetStore store(db());
  Asset a = asset(user(), 10);
  ASSERT_TRUE(store.insert_within_quota(a, 100));
  auto found = store.find(a.id);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->filename, "f.png");
  EXPECT_EQ(found->size, 10);
  EXPECT_FALSE(found->project_id);
  store.set_status(a.id, "failed");
  EXPECT_EQ(store.find(a.id)->status, "failed");
  EXPECT_FALSE(store.find("missing"));
}

TEST_P(AssetStoreTest, QuotaCountsEverythingTheOwnerStores) {
  AssetStore store(db());
  std::string owner = user();
  std::string other = user();
  EXPECT_TRUE(store.insert_within_quota(asset(owner, 60), 100));
  EXPECT_TRUE(store.insert_within_quota(asset(other, 60), 100));  // another user's budget
  Asset over = asset(owner, 41);
  EXPECT_FALSE(store.insert_within_quota(over, 100));
  EXPECT_FALSE(store.find(over.id));                              // nothing stored
  EXPECT_TRUE(store.insert_within_quota(asset(owner, 40), 100));  // exactly at the quota
  EXPECT_EQ(store.usage(owner), 100);
}

TEST_P(AssetStoreTest, CountsReferencesToABlob) {
  AssetStore store(db());
  Asset a = asset(user(), 1, "same");
  Asset b = asset(user(), 1, "same");
  store.insert_within_quota(a, 100);
  store.insert_within_quota(b, 100);
  EXPECT_EQ(store.references("same"), 2);
  EXPECT_TRUE(store.remove(a.id));
  EXPECT_FALSE(store.remove(a.id));
  EXPECT_EQ(store.references("same"), 1);
}

TEST_P(AssetStoreTest, ListsNewestFirstInPages) {
  AssetStore store(db());
  std::string owner = user();
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) {
    Asset a = asset(owner, 1);
    store.insert_within_quota(a, 100);
    ids.push_back(a.id);
  }
  store.insert_within_quota(asset(user(), 1), 100);  // someone else's
  auto first = store.list_by_owner(owner, "", 2);
  ASSERT_EQ(first.size(), 2u);
  EXPECT_EQ(first[0].id, ids[2]);
  EXPECT_EQ(first[1].id, ids[1]);
  auto rest = store.list_by_owner(owner, first.back().id, 2);
  ASSERT_EQ(rest.size(), 1u);
  EXPECT_EQ(rest[0].id, ids[0]);
}

TEST_P(AssetStoreTest, AssetsOutliveTheirProjectButNotTheirOwner) {
  AssetStore store(db());
  std::string owner = user();
  std::string project = new_id();
  db().execute(
      "INSERT INTO projects (id, owner_id, title, created_at, updated_at) "
      "VALUES ($1, $2, 't', 0, 0)",
      {project, owner});
  Asset a = asset(owner, 1);
  a.project_id = project;
  store.insert_within_quota(a, 100);
  EXPECT_EQ(store.list_by_project(project, "", 10).size(), 1u);
  db().execute("DELETE FROM projects WHERE id = $1", {project});
  auto kept = store.find(a.id);
  ASSERT_TRUE(kept);
  EXPECT_FALSE(kept->project_id);
  db().execute("DELETE FROM users WHERE id = $1", {owner});
  EXPECT_FALSE(store.find(a.id));
}

OD_INSTANTIATE_DATABASE_TEST(AssetStoreTest);

}  // namespace
}  // namespace od::assets
