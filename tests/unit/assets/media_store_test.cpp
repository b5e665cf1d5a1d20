// The media side of the assets tables (migration 0011) on SQLite and PostgreSQL: processing
// states, derivatives (first one of a name wins, none for a deleted asset), and blob release
// that counts derivatives as references.
#include "assets/media_store.h"

#include <gtest/gtest.h>

#include "assets/store.h"
#include "core/ids.h"
#include "support/databases.h"

namespace od::assets {
namespace {

class MediaStoreTest : public od::testing::DatabaseTest {
 protected:
  std::string user() {
    std::string id = new_id();
    db().execute("INSERT INTO users (id, email, created_at, updated_at) VALUES ($1, $2, 0, 0)",
                 {id, id + "@example.com"});
    return id;
  }
  Asset asset(const std::string& owner, const std::string& sha) {
    Asset a;
    a.id = new_id();
    a.owner_id = owner;
    a.filename = "f.png";
    a.content_type = "image/png";
    a.size = 1;
    a.sha256 = sha;
    a.status = "ready";
    a.created_at = 1;
    EXPECT_TRUE(AssetStore(db()).insert_within_quota(a, 1000));
    return a;
  }
  Variant variant(const std::string& asset_id, const std::string& name, const std::string& sha) {
    return {asset_id, name, sha, "image/webp", 5, 64, 43, 1};
  }
};

TEST_P(MediaStoreTest, ProcessingStatesReplaceEachOther) {
  MediaStore media(db());
  Asset a = asset(user(), "aa");
  EXPECT_FALSE(media.find(a.id));
  ASSERT_TRUE(media.set_pending(a.id, 1));
  EXPECT_EQ(media.find(a.id)->processing, "pending");
  ASSERT_TRUE(media.set_failed(a.id, "corrupt_image", "damaged", 2));
  auto failed = media.find(a.id);
  EXPECT_EQ(failed->processing, "failed");
  EXPECT_EQ(failed->error_code, "corrupt_image");
  EXPECT_EQ(failed->error_message, "damaged");
  EXPECT_TRUE(failed->metadata.is_null());
  ASSERT_TRUE(media.set_done(a.id, {{"width", 600}}, 3));
  auto done = media.find(a.id);
  EXPECT_EQ(done->processing, "done");
  EXPECT_EQ(done->error_code, "");
  EXPECT_EQ(done->metadata["width"], 600);
}

TEST_P(MediaStoreTest, ADeletedAssetTakesNoStateAndNoDerivatives) {
  MediaStore media(db());
  Asset a = asset(user(), "aa");
  ASSERT_TRUE(AssetStore(db()).remove(a.id));
  EXPECT_FALSE(media.set_done(a.id, {{"width", 1}}, 1));
  EXPECT_FALSE(media.add_variant(variant(a.id, "thumb-64.webp", "bb")));
  EXPECT_FALSE(media.find(a.id));
}

TEST_P(MediaStoreTest, TheFirstDerivativeOfANameStaysAndGoesWithItsAsset) {
  MediaStore media(db());
  AssetStore assets(db());
  std::string owner = user();
  Asset a = asset(owner, "aa");
  EXPECT_TRUE(media.add_variant(variant(a.id, "thumb-64.webp", "bb")));
  EXPECT_FALSE(media.add_variant(variant(a.id, "thumb-64.webp", "cc")));
  EXPECT_EQ(media.find_variant(a.id, "thumb-64.webp")->sha256, "bb");
  EXPECT_TRUE(media.add_variant(variant(a.id, "poster.jpeg", "dd")));
  EXPECT_EQ(media.variants(a.id).size(), 2u);
  auto owned = media.variant_blobs_of_owner(owner);
  std::sort(owned.begin(), owned.end());
  EXPECT_EQ(owned, (std::vector<std::string>{"bb", "dd"}));
  EXPECT_EQ(assets.references("bb"), 1);  // derivatives count as references
  ASSERT_TRUE(assets.remove(a.id));
  EXPECT_TRUE(media.variants(a.id).empty());
  EXPECT_EQ(assets.references("bb"), 0);
}

TEST_P(MediaStoreTest, ABlobIsRemovedOnlyWhenNothingNamesIt) {
  MediaStore media(db());
  AssetStore assets(db());
  Asset a = asset(user(), "aa");
  media.add_variant(variant(a.id, "thumb-64.webp", "bb"));
  int removed = 0;
  auto remove = [&removed] { ++removed; };
  EXPECT_FALSE(assets.remove_if_unreferenced("aa", remove));  // the asset's own bytes
  EXPECT_FALSE(assets.remove_if_unreferenced("bb", remove));  // a derivative's
  EXPECT_TRUE(assets.remove_if_unreferenced("zz", remove));
  EXPECT_EQ(removed, 1);
  // A removal that fails propagates, and the transaction rolls back.
  EXPECT_THROW(assets.remove_if_unreferenced("yy", [] { throw std::runtime_error("disk"); }),
               std::runtime_error);
}

TEST_P(MediaStoreTest, UnprocessedAreReadyAssetsWithoutAState) {
  MediaStore media(db());
  std::string owner = user();
  Asset seen = asset(owner, "aa");
  Asset unseen = asset(owner, "bb");
  Asset pending_upload = asset(owner, "cc");
  AssetStore(db()).set_status(pending_upload.id, "pending");
  media.set_done(seen.id, {{"width", 1}}, 1);
  auto found = media.unprocessed(10);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].first, unseen.id);
  EXPECT_EQ(found[0].second, owner);
  media.set_pending(unseen.id, 2);
  EXPECT_TRUE(media.unprocessed(10).empty());
}

OD_INSTANTIATE_DATABASE_TEST(MediaStoreTest);

}  // namespace
}  // namespace od::assets
