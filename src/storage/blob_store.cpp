#include "storage/blob_store.h"

namespace od::storage {

BlobInfo BlobStore::put_staged_file(const std::string& path, const std::string& sha256,
                                    const std::string& content_type) {
  BlobInfo info = put_file(path, content_type);
  if (info.sha256 != sha256) throw StorageError("blob store: the staged file changed under us");
  return info;
}

std::optional<DirectUpload> BlobStore::presign_staging_put(const std::string&, const std::string&,
                                                           uint64_t, int) {
  return std::nullopt;
}

std::optional<uint64_t> BlobStore::staging_size(const std::string&) { return std::nullopt; }

bool BlobStore::get_staging(const std::string&, std::ostream&) { return false; }

void BlobStore::remove_staging(const std::string&) {}

bool valid_staging_name(const std::string& name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name) {
    bool ok =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
    if (!ok) return false;
  }
  return true;
}

}  // namespace od::storage
