// A fresh, empty BlobStore per test on either backend, so one suite covers local disk and S3.
// S3 is the s3rver that scripts/test.sh starts and names in OD_TEST_S3_URL (with
// OD_TEST_S3_ACCESS_KEY / OD_TEST_S3_SECRET_KEY); each test gets a bucket of its own. Without
// the variables the S3 half fails: it is never skipped.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>

#include "storage/blob_store.h"
#include "storage/s3_blob_store.h"

namespace od::storage::testing {

enum class Backend { Local, S3 };

// The S3 settings of the test server with a new, created bucket.
S3Config fresh_s3_config();

class BlobStoreTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override;
  void TearDown() override;
  BlobStore& store() { return *store_; }

  std::filesystem::path dir_;  // temp dir: local root, S3 spool files
  std::unique_ptr<BlobStore> store_;
};

std::string backend_name(const ::testing::TestParamInfo<Backend>& info);

}  // namespace od::storage::testing
