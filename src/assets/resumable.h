// Resumable uploads (the tus 1.0 protocol's model, without its HTTP): a client announces a file's
// length, then sends its bytes in as many requests as it needs, each starting at the offset the
// server has, so a dropped connection costs only the request in flight. The bytes received so far
// are a staging file of this instance (its size is the offset; bytes from a request cut off
// mid-body are kept). On the last byte the file is checked like any upload (type by content,
// size, quota, project access) and becomes an asset. Uploads expire; expired ones are swept.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "assets/resumable_store.h"
#include "assets/service.h"

namespace od::assets {

struct ResumableConfig {
  int64_t expiry_seconds = 24 * 3600;  // from creation
};

class ResumableUploads {
 public:
  ResumableUploads(ResumableStore& store, AssetsService& assets, ResumableConfig config = {});

  // `upload.declared_size` is the whole length (required). Refuses what the direct upload would
  // refuse before the bytes arrive; counts the announced length against the quota.
  ResumableUpload create(const auth::Principal& caller, const StreamedUpload& upload);

  struct State {
    ResumableUpload upload;
    int64_t offset = 0;
  };
  // The caller's upload and how many bytes it has; 404 for others' and unknown ones, 410 once
  // expired.
  State status(const auth::Principal& caller, const std::string& id);

  struct Appended {
    int64_t offset = 0;
    std::optional<Asset> asset;  // set by the request that delivered the last byte
  };
  // Appends what `source` yields at `offset`, which must be the current offset (409 otherwise,
  // and while another request is appending). Bytes past the announced length are refused (400).
  // When the source fails midway, the bytes before the failure stay.
  Appended append(const auth::Principal& caller, const std::string& id, int64_t offset,
                  const ByteSource& source);
  // Abandons the upload and its bytes.
  void terminate(const auth::Principal& caller, const std::string& id);
  // Removes expired uploads and their files; returns how many.
  int sweep();
  // Removes this instance's staging files whose upload is gone (swept by another instance).
  void sweep_orphan_files();

  int64_t max_bytes() const { return assets_.config().max_file_bytes; }

 private:
  std::filesystem::path file_of(const std::string& id) const;
  ResumableUpload owned(const auth::Principal& caller, const std::string& id);
  Asset complete(const auth::Principal& caller, const ResumableUpload& upload);
  void discard(const std::string& id);

  ResumableStore& store_;
  AssetsService& assets_;
  ResumableConfig config_;
  std::filesystem::path dir_;
};

}  // namespace od::assets
