// Local disk specifics: crash safety of the write path and content-addressed deduplication.
#include "storage/local_blob_store.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "core/crypto.h"

namespace od::storage {
namespace {
namespace fs = std::filesystem;

class LocalBlobStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("od-local-" + crypto::hex_encode(crypto::random_bytes(8)));
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(root_, ec);
  }
  int blob_files() const {
    int count = 0;
    for (const auto& e : fs::recursive_directory_iterator(root_)) {
      if (e.is_regular_file() && e.path().parent_path() != root_ / "tmp") ++count;
    }
    return count;
  }
  fs::path root_;
};

TEST_F(LocalBlobStoreTest, LaysBlobsOutByHashPrefix) {
  LocalBlobStore store(root_);
  std::istringstream in("layout");
  BlobInfo info = store.put_stream(in, std::nullopt, "text/plain");
  fs::path expected = root_ / info.sha256.substr(0, 2) / info.sha256.substr(2, 2) / info.sha256;
  EXPECT_EQ(store.path_of(info.sha256), expected);
  EXPECT_TRUE(fs::is_regular_file(expected));
  EXPECT_TRUE(fs::is_empty(store.temp_dir()));  // nothing left behind by a good write
}

TEST_F(LocalBlobStoreTest, IdenticalBytesAreStoredOnce) {
  LocalBlobStore store(root_);
  std::istringstream a("same bytes"), b("same bytes"), c("other bytes");
  BlobInfo first = store.put_stream(a, std::nullopt, "text/plain");
  BlobInfo second = store.put_stream(b, std::nullopt, "image/png");
  store.put_stream(c, std::nullopt, "text/plain");
  EXPECT_EQ(first.sha256, second.sha256);
  EXPECT_EQ(blob_files(), 2);
  EXPECT_TRUE(fs::is_empty(store.temp_dir()));
}

TEST_F(LocalBlobStoreTest, AHalfWrittenBlobIsNeverVisible) {
  // A crash between writing the temp file and renaming it: the bytes sit in tmp/ only.
  LocalBlobStore store(root_);
  std::string bytes = "complete content";
  std::string sha = crypto::sha256_hex(bytes);
  fs::path half = store.temp_dir() / "put-crashed";
  std::ofstream(half, std::ios::binary) << bytes.substr(0, 8);
  EXPECT_FALSE(store.head(sha));
  std::ostringstream out;
  EXPECT_FALSE(store.get(sha, out));
  EXPECT_EQ(blob_files(), 0);

  // The next start sweeps stale leftovers (older than an hour) and keeps fresh ones, which may
  // belong to a write still in progress.
  fs::last_write_time(half, fs::file_time_type::clock::now() - std::chrono::hours(2));
  fs::path fresh = store.temp_dir() / "put-live";
  std::ofstream(fresh, std::ios::binary) << "in flight";
  LocalBlobStore reopened(root_);
  EXPECT_FALSE(fs::exists(half));
  EXPECT_TRUE(fs::exists(fresh));

  // And the blob can still be written whole afterwards.
  std::istringstream in(bytes);
  EXPECT_EQ(reopened.put_stream(in, bytes.size(), "text/plain").sha256, sha);
  std::ostringstream whole;
  EXPECT_TRUE(reopened.get(sha, whole));
  EXPECT_EQ(whole.str(), bytes);
}

TEST_F(LocalBlobStoreTest, AFailedWriteLeavesNoTempFile) {
  LocalBlobStore store(root_);
  std::istringstream in("abc");
  EXPECT_THROW(store.put_stream(in, 5, "text/plain"), StorageError);
  EXPECT_TRUE(fs::is_empty(store.temp_dir()));
  EXPECT_EQ(blob_files(), 0);
}

TEST_F(LocalBlobStoreTest, AStagedFileIsRenamedIntoPlace) {
  fs::create_directories(root_ / "staging");
  fs::path staged = root_ / "staging" / "upload";
  { std::ofstream(staged, std::ios::binary) << "staged bytes"; }
  LocalBlobStore store(root_);
  BlobInfo info = store.put_staged_file(staged.string(), crypto::sha256_hex("staged bytes"), "");
  EXPECT_FALSE(fs::exists(staged)) << "moved, not copied";
  EXPECT_EQ(fs::file_size(store.path_of(info.sha256)), 12u);
  // The same bytes again: already stored, and the caller's file is left for it to drop.
  { std::ofstream(staged, std::ios::binary) << "staged bytes"; }
  store.put_staged_file(staged.string(), info.sha256, "");
  EXPECT_EQ(blob_files() - 1, 1);  // the blob plus the second staged file
}

TEST_F(LocalBlobStoreTest, HasNoPresignedUrls) {
  LocalBlobStore store(root_);
  EXPECT_FALSE(store.presigned_get(crypto::sha256_hex("x"), 60));
}

}  // namespace
}  // namespace od::storage
