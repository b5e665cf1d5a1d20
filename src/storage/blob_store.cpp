#include "storage/blob_store.h"

namespace od::storage {

BlobInfo BlobStore::put_staged_file(const std::string& path, const std::string& sha256,
                                    const std::string& content_type) {
  BlobInfo info = put_file(path, content_type);
  if (info.sha256 != sha256) throw StorageError("blob store: the staged file changed under us");
  return info;
}

}  // namespace od::storage
