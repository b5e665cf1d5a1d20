// Presigned uploads: the client asks for an upload URL (declaring name, type and size), sends
// the bytes to it without its token (a browser or a worker may hold only the URL), then asks to
// complete, which verifies size, SHA-256 and the sniffed type and creates the asset under the id
// it was promised. Pending uploads are never listed and are swept after expiry.
//
// Two kinds of URL, by blob backend:
// - local disk: a URL on this server, signed with HMAC-SHA256 over method, path, expiry and
//   size, that accepts exactly one upload (a failed one may be retried until it expires); the
//   bytes stream to a staging file.
// - S3: an S3 presigned PUT of the staging object `staging/<id>` that binds Content-Type and
//   Content-Length, so the bytes never pass through this server on the way in. Complete streams
//   the object down once (to a staging file: size, SHA-256, sniffed type, SVG sanitising like
//   any upload), stores it at its content address and deletes the staging object. S3 cannot
//   make a URL single-use, so a finished or refused upload keeps its row ("closed") until the
//   URL has expired, and the sweep then deletes whatever was PUT to it meanwhile.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
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
  std::string upload_url;  // path and query on this server, or an absolute S3 URL
  std::map<std::string, std::string> headers;  // what the PUT must carry
  int64_t expires_at = 0;
};

class PresignedUploads {
 public:
  // `blobs` is the assets' blob store: when it takes direct uploads (S3), the URLs point at it.
  PresignedUploads(PresignedStore& store, AssetsService& assets, storage::BlobStore& blobs,
                   PresignedConfig config);

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
  // Removes this instance's staging files whose upload is gone (swept by another instance).
  void sweep_orphan_files();

  int64_t max_bytes() const { return assets_.config().max_file_bytes; }
  static std::string path_of(const std::string& id) { return "/api/v1/assets/presigned/" + id; }

 private:
  std::string sign(const std::string& id, int64_t expires_at, int64_t size) const;
  std::filesystem::path file_of(const std::string& id) const { return dir_ / id; }
  // For an upload nothing reached here yet: when the blob store holds a direct upload (S3),
  // brings it down to file_of(id) and marks the upload received. 409 when nothing was uploaded,
  // 422 (upload closed) when its size is not the one declared.
  void fetch_direct_upload(PresignedUpload& upload);
  // Removes the upload's staging file and staging object; false (logged) when the blob store
  // failed to remove the object.
  bool remove_bytes(const std::string& id);
  // The upload is over: its files go, its row stays closed until the sweep (see above).
  void close(const std::string& id);

  PresignedStore& store_;
  AssetsService& assets_;
  storage::BlobStore& blobs_;
  PresignedConfig config_;
  std::filesystem::path dir_;
};

}  // namespace od::assets
