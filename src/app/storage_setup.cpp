#include "app/storage_setup.h"

#include <filesystem>
#include <stdexcept>

namespace od::app {

storage::StorageConfig blob_store_config(const Config& config) {
  storage::StorageConfig out;
  out.local_root = (std::filesystem::path(config.data_dir) / "blobs").string();
  if (config.s3_bucket.empty()) return out;
  if (config.s3_access_key.empty() || config.s3_secret_key.empty()) {
    throw std::invalid_argument("s3-bucket needs s3-access-key and s3-secret-key");
  }
  if (config.s3_addressing != "path" && config.s3_addressing != "virtual") {
    throw std::invalid_argument("s3-addressing must be path or virtual");
  }
  out.s3.endpoint = config.s3_endpoint.empty() ? "https://s3." + config.s3_region + ".amazonaws.com"
                                               : config.s3_endpoint;
  out.s3.bucket = config.s3_bucket;
  out.s3.region = config.s3_region;
  out.s3.access_key = config.s3_access_key;
  out.s3.secret_key = config.s3_secret_key;
  out.s3.path_style = config.s3_addressing == "path";
  // Spool files of S3 uploads stay on the data volume, not a possibly small /tmp.
  out.spool_dir = (std::filesystem::path(config.data_dir) / "spool").string();
  std::filesystem::create_directories(out.spool_dir);
  return out;
}

}  // namespace od::app
