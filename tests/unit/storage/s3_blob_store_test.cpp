// S3 specifics against a real S3-compatible server (s3rver): multipart uploads, presigned URLs
// fetched by an ordinary HTTP client, virtual-host addressing, and refusals by the service.
#include "storage/s3_blob_store.h"

#include <curl/curl.h>
#include <gtest/gtest.h>

#include <sstream>

#include "blob_store_fixture.h"
#include "core/crypto.h"

namespace od::storage::testing {
namespace {

struct Fetched {
  long status = 0;
  std::string body;
};

size_t collect(char* data, size_t size, size_t count, void* user) {
  static_cast<std::string*>(user)->append(data, size * count);
  return size * count;
}

// A plain HTTP request with libcurl, as any client holding the URL would make it.
Fetched fetch(const std::string& url, const std::string& method = "GET",
              const std::string& upload = "", const std::string& content_type = "") {
  Fetched result;
  CURL* curl = curl_easy_init();
  curl_slist* headers = nullptr;
  if (!content_type.empty()) {
    headers = curl_slist_append(headers, ("Content-Type: " + content_type).c_str());
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  }
  std::string body = upload;
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &result.body);
  if (method == "PUT") {
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, "PUT");
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.c_str());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
  }
  EXPECT_EQ(curl_easy_perform(curl), CURLE_OK);
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &result.status);
  curl_easy_cleanup(curl);
  curl_slist_free_all(headers);
  return result;
}

class S3BlobStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    spool_ = std::filesystem::temp_directory_path() /
             ("od-s3-" + crypto::hex_encode(crypto::random_bytes(8)));
    std::filesystem::create_directories(spool_);
  }
  void TearDown() override {
    std::error_code ec;
    std::filesystem::remove_all(spool_, ec);
  }
  S3BlobStore make(S3Config config, uint64_t part_size = 5ull * 1024 * 1024) {
    return S3BlobStore(std::move(config), S3StoreOptions{"blobs/", part_size, spool_});
  }
  std::filesystem::path spool_;
};

TEST_F(S3BlobStoreTest, LargeObjectsGoUpInParts) {
  S3BlobStore store = make(fresh_s3_config());
  std::string big(11 * 1024 * 1024 + 123, '\0');  // three parts of 5 MiB
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>((i * 31) % 251);
  std::istringstream in(big);
  BlobInfo info = store.put_stream(in, std::nullopt, "video/mp4");
  EXPECT_EQ(info.sha256, crypto::sha256_hex(big));
  auto head = store.head(info.sha256);
  ASSERT_TRUE(head);
  EXPECT_EQ(head->size, big.size());
  std::ostringstream out;
  ASSERT_TRUE(store.get(info.sha256, out));
  EXPECT_EQ(crypto::sha256_hex(out.str()), info.sha256);
  std::ostringstream tail;
  ASSERT_TRUE(store.get(info.sha256, tail, ByteRange{big.size() - 10, std::nullopt}));
  EXPECT_EQ(tail.str(), big.substr(big.size() - 10));
  EXPECT_TRUE(std::filesystem::is_empty(spool_));  // spool files are removed
}

TEST_F(S3BlobStoreTest, PresignedGetWorksForAnyHttpClient) {
  S3BlobStore store = make(fresh_s3_config());
  std::istringstream in("presigned content");
  BlobInfo info = store.put_stream(in, std::nullopt, "text/plain");
  auto url = store.presigned_get(info.sha256, 300);
  ASSERT_TRUE(url);
  Fetched got = fetch(*url);
  EXPECT_EQ(got.status, 200);
  EXPECT_EQ(got.body, "presigned content");

  // Another key under the same signature, or an edited expiry, is refused.
  std::string other = *url;
  other.replace(other.find(info.sha256), 64, crypto::sha256_hex("other"));
  EXPECT_EQ(fetch(other).status, 403);
  std::string longer = *url;
  longer.replace(longer.find("X-Amz-Expires=300"), 17, "X-Amz-Expires=999");
  EXPECT_EQ(fetch(longer).status, 403);
}

TEST_F(S3BlobStoreTest, PresignedPutStoresTheObject) {
  S3BlobStore store = make(fresh_s3_config());
  std::string sha = crypto::sha256_hex("uploaded directly");
  auto url = store.presigned_put(sha, "text/plain", 300);
  ASSERT_TRUE(url);
  EXPECT_EQ(fetch(*url, "PUT", "uploaded directly").status, 200);
  std::ostringstream out;
  ASSERT_TRUE(store.get(sha, out));
  EXPECT_EQ(out.str(), "uploaded directly");
}

TEST_F(S3BlobStoreTest, StagingPutBindsTypeAndLength) {
  S3BlobStore store = make(fresh_s3_config());
  auto upload = store.presign_staging_put("upload-1", "image/png", 5, 300);
  ASSERT_TRUE(upload);
  EXPECT_EQ(upload->headers.at("Content-Type"), "image/png");
  EXPECT_FALSE(store.staging_size("upload-1"));
  // Another type or another length than signed is refused by the service.
  EXPECT_EQ(fetch(upload->url, "PUT", "12345", "video/mp4").status, 403);
  EXPECT_EQ(fetch(upload->url, "PUT", "123456", "image/png").status, 403);
  EXPECT_FALSE(store.staging_size("upload-1"));

  EXPECT_EQ(fetch(upload->url, "PUT", "12345", "image/png").status, 200);
  EXPECT_EQ(store.staging_size("upload-1"), 5u);
  std::ostringstream out;
  ASSERT_TRUE(store.get_staging("upload-1", out));
  EXPECT_EQ(out.str(), "12345");
  store.remove_staging("upload-1");
  store.remove_staging("upload-1");  // idempotent
  EXPECT_FALSE(store.staging_size("upload-1"));
  std::ostringstream none;
  EXPECT_FALSE(store.get_staging("upload-1", none));
  // Staging names cannot reach other keys.
  EXPECT_THROW(store.staging_size("../blobs/x"), StorageError);
}

TEST_F(S3BlobStoreTest, VirtualHostAddressing) {
  S3Config config = fresh_s3_config();
  // <bucket>.s3.localhost, connected to the loopback server (s3rver's service endpoint is
  // "localhost", so it takes the bucket from the host name).
  std::string port = config.endpoint.substr(config.endpoint.rfind(':') + 1);
  config.connect_to = "127.0.0.1:" + port;
  config.endpoint = "http://s3.localhost:" + port;
  config.path_style = false;
  S3BlobStore store = make(config);
  std::istringstream in("virtual host");
  BlobInfo info = store.put_stream(in, std::nullopt, "text/plain");
  std::ostringstream out;
  ASSERT_TRUE(store.get(info.sha256, out));
  EXPECT_EQ(out.str(), "virtual host");
  EXPECT_TRUE(store.remove(info.sha256));
}

// The test server checks SigV4 signatures (tests/support/sigv4-check.mjs; s3rver alone does
// not), so a wrong secret or a tampered URL is refused like AWS would refuse it.
TEST_F(S3BlobStoreTest, AWrongSecretIsRefused) {
  S3Config config = fresh_s3_config();
  config.secret_key = "not-the-secret";
  S3BlobStore store = make(config);
  std::istringstream in("refused");
  EXPECT_THROW(store.put_stream(in, std::nullopt, "text/plain"), StorageError);
  EXPECT_TRUE(std::filesystem::is_empty(spool_));
}

}  // namespace
}  // namespace od::storage::testing
