// Behaviour every BlobStore backend shares, run on local disk and on S3 (s3rver).
#include <fstream>
#include <sstream>

#include "blob_store_fixture.h"
#include "core/crypto.h"

namespace od::storage::testing {
namespace {

std::string read_all(BlobStore& store, const std::string& key,
                     std::optional<ByteRange> range = std::nullopt) {
  std::ostringstream out;
  EXPECT_TRUE(store.get(key, out, range));
  return out.str();
}

BlobInfo put_text(BlobStore& store, const std::string& text, const std::string& type) {
  std::istringstream in(text);
  return store.put_stream(in, text.size(), type);
}

TEST_P(BlobStoreTest, StoresBytesUnderTheirSha256) {
  BlobInfo info = put_text(store(), "hello blobs", "text/plain");
  EXPECT_EQ(info.sha256, crypto::sha256_hex("hello blobs"));
  EXPECT_EQ(info.size, 11u);
  EXPECT_EQ(read_all(store(), info.sha256), "hello blobs");
  auto head = store().head(info.sha256);
  ASSERT_TRUE(head);
  EXPECT_EQ(head->size, 11u);
  EXPECT_EQ(head->sha256, info.sha256);
  if (GetParam() == Backend::S3) {
    EXPECT_EQ(head->content_type, "text/plain");
  }
}

TEST_P(BlobStoreTest, StreamsOfUnknownSizeAndFiles) {
  std::string big(300 * 1024, 'x');
  for (size_t i = 0; i < big.size(); i += 7) big[i] = static_cast<char>(i);
  std::istringstream in(big);
  BlobInfo info = store().put_stream(in, std::nullopt, "application/octet-stream");
  EXPECT_EQ(info.size, big.size());
  EXPECT_EQ(read_all(store(), info.sha256), big);

  std::string path = (dir_ / "source.bin").string();
  { std::ofstream(path, std::ios::binary) << "from a file"; }
  BlobInfo from_file = store().put_file(path, "text/plain");
  EXPECT_EQ(from_file.sha256, crypto::sha256_hex("from a file"));
  EXPECT_EQ(read_all(store(), from_file.sha256), "from a file");
}

TEST_P(BlobStoreTest, StagedFilesAreStoredUnderTheHashTheCallerComputed) {
  std::string bytes(200 * 1024, 'y');
  std::string path = (dir_ / "staged.bin").string();
  { std::ofstream(path, std::ios::binary) << bytes; }
  BlobInfo info = store().put_staged_file(path, crypto::sha256_hex(bytes), "video/mp4");
  EXPECT_EQ(info.sha256, crypto::sha256_hex(bytes));
  EXPECT_EQ(info.size, bytes.size());
  EXPECT_EQ(read_all(store(), info.sha256), bytes);
  EXPECT_THROW(store().put_staged_file(path, "not-a-hash", "video/mp4"), StorageError);
}

TEST_P(BlobStoreTest, ReadsByteRanges) {
  BlobInfo info = put_text(store(), "0123456789", "text/plain");
  EXPECT_EQ(read_all(store(), info.sha256, ByteRange{2, 3}), "234");
  EXPECT_EQ(read_all(store(), info.sha256, ByteRange{7, std::nullopt}), "789");
  EXPECT_EQ(read_all(store(), info.sha256, ByteRange{8, 100}), "89");  // clamped to the end
}

TEST_P(BlobStoreTest, MissingBlobsAreNotErrors) {
  std::string absent = crypto::sha256_hex("never stored");
  std::ostringstream out;
  EXPECT_FALSE(store().get(absent, out));
  EXPECT_FALSE(store().head(absent));
  EXPECT_FALSE(store().remove(absent));
}

TEST_P(BlobStoreTest, DeletesBlobs) {
  BlobInfo info = put_text(store(), "short-lived", "text/plain");
  EXPECT_TRUE(store().remove(info.sha256));
  EXPECT_FALSE(store().head(info.sha256));
  std::ostringstream out;
  EXPECT_FALSE(store().get(info.sha256, out));
}

TEST_P(BlobStoreTest, RefusesKeysThatAreNotHashes) {
  std::ostringstream out;
  EXPECT_THROW(store().get("../../etc/passwd", out), StorageError);
  EXPECT_THROW(store().head(std::string(64, 'A')), StorageError);
}

TEST_P(BlobStoreTest, AStreamThatBreaksItsPromisedSizeStoresNothing) {
  std::istringstream short_in("abc");
  EXPECT_THROW(store().put_stream(short_in, 10, "text/plain"), StorageError);
  EXPECT_FALSE(store().head(crypto::sha256_hex("abc")));
  std::istringstream long_in("abcdef");
  EXPECT_THROW(store().put_stream(long_in, 3, "text/plain"), StorageError);
  EXPECT_FALSE(store().head(crypto::sha256_hex("abc")));
}

INSTANTIATE_TEST_SUITE_P(Backends, BlobStoreTest, ::testing::Values(Backend::Local, Backend::S3),
                         backend_name);

}  // namespace
}  // namespace od::storage::testing
