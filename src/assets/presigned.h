// Presigned uploads: the client asks for an upload URL (declaring name, type and size), sends
// the bytes to it without its token (a browser or a worker may hold only the URL), then asks to
// complete, which verifies size, SHA-256 and the sniffed type and creates the asset under the id
// it was promised. The URL is on this server for both blob backends, signed with HMAC-SHA256 over
// method, path, expiry and size, and accepts exactly one upload (a failed one may be retried
// until it expires). The bytes stream to a staging file; pending uploads are never listed and
// are swept after expiry. (A direct-to-S3 presigned PUT to a staging key is not implemented.)
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "assets/presigned_store.h"
#include "assets/service.h"

namespace od::assets {

struct PresignedConfig {
  std::string signing_key;                // HMAC key (derived from the server's secret)
  int64_t expiry_seconds = 24 * 3600;     // how long the URL is valid
  int64_t complete_grace_seconds = 3600;  // after expiry, how long a received upload may wait
};

struct PresignedGrant {
  std::string asset_id;
  std::string upload_url;  // path and query on this server
  std::string content_type;
  int64_t expires_at = 0;
};

class PresignedUploads {
 public:
  PresignedUploads(PresignedStore& store, AssetsService& assets, PresignedConfig config);

  // `upload.declared_size` is required.
  PresignedGrant presign(const auth::Principal& caller, const StreamedUpload& upload);
  // The signed PUT: checks the signature (403), expiry (403), the single use (409), then
  // streams the body to the staging file. `size` is as signed in the URL.
  void receive(const std::string& id, int64_t expires_at, int64_t size,
               const std::string& signature, const ByteSource& source);
  // Verifies the received bytes and creates the asset; any mismatch discards them (the upload
  // is over) and says why.
  Asset complete(const auth::Principal& caller, const std::string& id);
  int sweep();

  int64_t max_bytes() const { return assets_.config().max_file_bytes; }
  static std::string path_of(const std::string& id) { return "/api/v1/assets/presigned/" + id; }

 private:
  std::string sign(const std::string& id, int64_t expires_at, int64_t size) const;
  std::filesystem::path file_of(const std::string& id) const { return dir_ / id; }
  void discard(const std::string& id);

  PresignedStore& store_;
  AssetsService& assets_;
  PresignedConfig config_;
  std::filesystem::path dir_;
};

}  // namespace od::assets
