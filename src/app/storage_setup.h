// Turns the blob-store settings of a Config (--s3-* or the data directory) into the storage
// module's settings, so the composition root stays a list of constructions.
#pragma once

#include "app/config.h"
#include "storage/factory.h"

namespace od::app {

// Local disk under <data-dir>/blobs unless --s3-bucket is set; throws std::invalid_argument for
// inconsistent S3 settings.
storage::StorageConfig blob_store_config(const Config& config);

}  // namespace od::app
