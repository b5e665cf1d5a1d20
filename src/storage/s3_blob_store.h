// Blobs in an S3-compatible bucket under <prefix>ab/cd/<sha256>. The SHA-256 must be known before
// the key is, so a stream is first spooled to a temp file (hashing as it goes; memory stays
// bounded), then sent in one PUT, or as a multipart upload of `part_size` parts when larger; a
// failed multipart upload is aborted so no half object or orphan parts remain.
#pragma once

#include <filesystem>

#include "storage/blob_store.h"
#include "storage/s3_client.h"

namespace od::storage {

struct S3StoreOptions {
  std::string prefix;                       // e.g. "blobs/"
  uint64_t part_size = 8ull * 1024 * 1024;  // multipart above this; S3 wants >= 5 MiB parts
  std::filesystem::path spool_dir = std::filesystem::temp_directory_path();
  std::string staging_prefix = "staging/";  // direct client uploads, before verification
};

class S3BlobStore : public BlobStore {
 public:
  S3BlobStore(S3Config config, S3StoreOptions options = {});

  BlobInfo put_file(const std::string& path, const std::string& content_type) override;
  BlobInfo put_stream(std::istream& in, std::optional<uint64_t> size,
                      const std::string& content_type) override;
  BlobInfo put_staged_file(const std::string& path, const std::string& sha256,
                           const std::string& content_type) override;
  bool get(const std::string& sha256, std::ostream& out,
           std::optional<ByteRange> range = std::nullopt) override;
  std::optional<BlobInfo> head(const std::string& sha256) override;
  bool remove(const std::string& sha256) override;
  std::optional<std::string> presigned_get(const std::string& sha256, int ttl_seconds) override;
  std::optional<std::string> presigned_put(const std::string& sha256,
                                           const std::string& content_type,
                                           int ttl_seconds) override;
  std::optional<DirectUpload> presign_staging_put(const std::string& name,
                                                  const std::string& content_type, uint64_t size,
                                                  int ttl_seconds) override;
  std::optional<uint64_t> staging_size(const std::string& name) override;
  bool get_staging(const std::string& name, std::ostream& out) override;
  void remove_staging(const std::string& name) override;

  std::string key_of(const std::string& sha256) const;
  std::string staging_key_of(const std::string& name) const;
  S3Client& client() { return client_; }

 private:
  // Sends the file whose hash and size are known.
  void upload(const std::string& path, const BlobInfo& info);
  void upload_multipart(const std::string& path, const BlobInfo& info);

  S3Client client_;
  S3StoreOptions options_;
};

}  // namespace od::storage
