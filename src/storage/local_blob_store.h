// Blobs on local disk under <root>/ab/cd/<sha256> (the data directory's blobs/, which the backup
// command copies). A write goes to a temp file in <root>/tmp, is fsynced, renamed into place and
// the directory fsynced: a crash at any point leaves either the whole blob or none visible (a
// leftover temp file is never read and is swept on the next open). Local disk has no presigned
// URLs and keeps no content type (the asset record holds it): head() reports it empty.
#pragma once

#include <filesystem>

#include "storage/blob_store.h"

namespace od::storage {

class LocalBlobStore : public BlobStore {
 public:
  // Creates `root` if needed and removes temp files left by a crash more than an hour ago.
  explicit LocalBlobStore(std::filesystem::path root);

  BlobInfo put_file(const std::string& path, const std::string& content_type) override;
  BlobInfo put_stream(std::istream& in, std::optional<uint64_t> size,
                      const std::string& content_type) override;
  BlobInfo put_staged_file(const std::string& path, const std::string& sha256,
                           const std::string& content_type) override;
  bool get(const std::string& sha256, std::ostream& out,
           std::optional<ByteRange> range = std::nullopt) override;
  std::optional<BlobInfo> head(const std::string& sha256) override;
  bool remove(const std::string& sha256) override;
  std::optional<std::string> presigned_get(const std::string&, int) override { return {}; }
  std::optional<std::string> presigned_put(const std::string&, const std::string&, int) override {
    return {};
  }

  // Where the blob with this key lives (whether or not it exists).
  std::filesystem::path path_of(const std::string& sha256) const;
  std::filesystem::path temp_dir() const { return root_ / "tmp"; }

 private:
  std::filesystem::path root_;
};

}  // namespace od::storage
