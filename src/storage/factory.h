// Builds the configured BlobStore: local disk under a directory, or an S3-compatible bucket.
#pragma once

#include <memory>
#include <string>

#include "storage/blob_store.h"
#include "storage/s3_client.h"

namespace od::storage {

struct StorageConfig {
  std::string local_root;  // used when `s3` has no bucket
  S3Config s3;             // bucket set: use S3
  std::string s3_prefix = "blobs/";
  std::string spool_dir;  // temp files for S3 uploads; empty: the system temp dir
};

std::unique_ptr<BlobStore> make_blob_store(const StorageConfig& config);

}  // namespace od::storage
