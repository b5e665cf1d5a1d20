// The resumable_uploads table on SQLite and PostgreSQL: rows round-trip, completion, expiry
// listing, and the announced bytes that count against the quota.
#include "assets/resumable_store.h"

#include <gtest/gtest.h>

#include "core/ids.h"
#include "support/databases.h"

namespace od::assets {
namespace {

class ResumableStoreTest : public od::testing::DatabaseTest {
 protected:
  std::string user() {
    std::string id = new_id();
    db().execute("INSERT INTO users (id, email, created_at, updated_at) VALUES ($1, $2, 0, 0)",
                 {id, id + "@example.com"});
    return id;
  }
  ResumableUpload upload(const std::string& owner, int64_t length, int64_t expires_at) {
    ResumableUpload u;
    u.id = new_id();
    u.owner_id = owner;
    u.filename = "clip.mp4";
    u.declared_type = "video/mp4";
    u.length = length;
    u.expires_at = expires_at;
    u.created_at = 1;
    return u;
  }
};

TEST_P(ResumableStoreTest, RoundTripsAndCompletes) {
  ResumableStore store(db());
  ResumableUpload u = upload(user(), 1234, 5000);
  store.insert(u);
  auto found = store.find(u.id);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->length, 1234);
  EXPECT_EQ(found->declared_type, "video/mp4");
  EXPECT_FALSE(found->asset_id);
  EXPECT_FALSE(found->project_id);
  store.set_asset(u.id, "asset-1");
  EXPECT_EQ(store.find(u.id)->asset_id, "asset-1");
  EXPECT_TRUE(store.remove(u.id));
  EXPECT_FALSE(store.find(u.id));
  EXPECT_FALSE(store.remove(u.id));
}

TEST_P(ResumableStoreTest, ListsOnlyExpiredUploads) {
  ResumableStore store(db());
  std::string owner = user();
  ResumableUpload old = upload(owner, 1, 100);
  ResumableUpload live = upload(owner, 1, 10000);
  store.insert(old);
  store.insert(live);
  EXPECT_EQ(store.expired(5000, 10), std::vector<std::string>{old.id});
  EXPECT_TRUE(store.expired(50, 10).empty());
}

TEST_P(ResumableStoreTest, PendingBytesCountOnlyUnfinishedUploadsOfTheOwner) {
  ResumableStore store(db());
  std::string owner = user();
  ResumableUpload a = upload(owner, 100, 1);
  ResumableUpload b = upload(owner, 50, 1);
  store.insert(a);
  store.insert(b);
  store.insert(upload(user(), 1000, 1));
  EXPECT_EQ(store.pending_bytes(owner), 150);
  store.set_asset(a.id, "done");  // now an asset: counted by the assets table instead
  EXPECT_EQ(store.pending_bytes(owner), 50);
}

TEST_P(ResumableStoreTest, UploadsGoWithTheirOwner) {
  ResumableStore store(db());
  std::string owner = user();
  ResumableUpload u = upload(owner, 1, 1);
  store.insert(u);
  db().execute("DELETE FROM users WHERE id = $1", {owner});
  EXPECT_FALSE(store.find(u.id));
}

OD_INSTANTIATE_DATABASE_TEST(ResumableStoreTest);

}  // namespace
}  // namespace od::assets
