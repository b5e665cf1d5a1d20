#include "storage/factory.h"

#include "storage/local_blob_store.h"
#include "storage/s3_blob_store.h"

namespace od::storage {

std::unique_ptr<BlobStore> make_blob_store(const StorageConfig& config) {
  if (config.s3.bucket.empty()) return std::make_unique<LocalBlobStore>(config.local_root);
  S3StoreOptions options;
  options.prefix = config.s3_prefix;
  if (!config.spool_dir.empty()) options.spool_dir = config.spool_dir;
  return std::make_unique<S3BlobStore>(config.s3, options);
}

}  // namespace od::storage
