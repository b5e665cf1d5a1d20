#include "blob_store_fixture.h"

#include <cstdlib>

#include "core/crypto.h"
#include "storage/local_blob_store.h"

namespace od::storage::testing {

S3Config fresh_s3_config() {
  const char* url = std::getenv("OD_TEST_S3_URL");
  if (url == nullptr) throw std::runtime_error("OD_TEST_S3_URL is not set (see scripts/test.sh)");
  S3Config config;
  config.endpoint = url;
  config.access_key =
      std::getenv("OD_TEST_S3_ACCESS_KEY") ? std::getenv("OD_TEST_S3_ACCESS_KEY") : "S3RVER";
  config.secret_key =
      std::getenv("OD_TEST_S3_SECRET_KEY") ? std::getenv("OD_TEST_S3_SECRET_KEY") : "S3RVER";
  config.bucket = "od-" + crypto::hex_encode(crypto::random_bytes(8));
  S3Client(config).create_bucket();
  return config;
}

void BlobStoreTest::SetUp() {
  dir_ = std::filesystem::temp_directory_path() /
         ("od-blobs-" + crypto::hex_encode(crypto::random_bytes(8)));
  std::filesystem::create_directories(dir_);
  if (GetParam() == Backend::Local) {
    store_ = std::make_unique<LocalBlobStore>(dir_ / "blobs");
  } else {
    S3StoreOptions options;
    options.spool_dir = dir_;
    store_ = std::make_unique<S3BlobStore>(fresh_s3_config(), options);
  }
}

void BlobStoreTest::TearDown() {
  store_.reset();
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

std::string backend_name(const ::testing::TestParamInfo<Backend>& info) {
  return info.param == Backend::Local ? "Local" : "S3";
}

}  // namespace od::storage::testing
