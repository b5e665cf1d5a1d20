// The rules of assets: what may be uploaded (accepted types decided by the bytes, SVG sanitised,
// size and per-user quota), who may read (the owner, admins, and collaborators of the asset's
// project) and delete (the owner, admins) it, and keeping the blob store and the table in step.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "assets/signed_urls.h"
#include "assets/staged_upload.h"
#include "assets/store.h"
#include "auth/service.h"
#include "projects/service.h"
#include "storage/blob_store.h"

namespace od::assets {

struct AssetsConfig {
  int64_t max_file_bytes = 100ll * 1024 * 1024;  // one upload
  int64_t quota_bytes = 1024ll * 1024 * 1024;    // everything one user stores
  // Where uploads are received before they become blobs; on the local blob store's file system,
  // they are renamed into place. Empty: a directory under the system temp dir.
  std::string staging_dir;
  // Signed URLs for the bytes (contentUrl in the JSON form); no key: none are handed out.
  SignedUrlConfig signed_urls;
};

struct UploadInput {
  std::string filename;
  std::string declared_type;  // the request's Content-Type
  std::optional<std::string> project_id;
  std::string_view bytes;
};

// An upload whose bytes arrive through a ByteSource (the HTTP body as it streams in).
struct StreamedUpload {
  std::string filename;
  std::string declared_type;
  std::optional<std::string> project_id;
  std::optional<int64_t> declared_size;  // Content-Length, when sent: refused early if too big
  std::optional<std::string> asset_id;   // the id promised earlier (presigned uploads)
};

using Caller = std::optional<auth::Principal>;

// What media processing (assets/processing.h) adds to an asset's life; set by the composition
// root. Each may be empty.
struct AssetHooks {
  std::function<void(const Asset&)> finalised;  // the asset became ready: queue its processing
  std::function<void(const Asset&, nlohmann::json&)> describe;  // add processing state to JSON
  // Blobs derived from the asset (thumbnails, ...), released with it.
  std::function<std::vector<std::string>(const std::string& asset_id)> derived_blobs;
  std::function<std::vector<std::string>(const std::string& owner_id)> owner_derived_blobs;
};

class AssetsService {
 public:
  AssetsService(AssetStore& store, storage::BlobStore& blobs, projects::ProjectsService& projects,
                AssetsConfig config = {});

  Asset upload(const auth::Principal& caller, const UploadInput& input);
  // The same rules, with the bytes streamed to a staging file (hashed and sniffed on the way)
  // instead of held in memory; a wrong type or size is refused as soon as it shows.
  Asset upload_stream(const auth::Principal& caller, const StreamedUpload& upload,
                      const ByteSource& source);
  // The same rules for a file already received (a completed resumable upload).
  Asset upload_staged(const auth::Principal& caller, const StreamedUpload& upload,
                      StagedUpload& staged);
  // What can be refused before any byte arrives (size declared, type declared, project access);
  // returns the canonical declared type.
  std::string check_before_bytes(const auth::Principal& caller, const StreamedUpload& upload);
  // 413 when `more_bytes` would take the caller past the quota.
  void check_quota(const auth::Principal& caller, int64_t more_bytes);
  // The asset, or 404 when the caller may not know it exists.
  Asset get(const Caller& caller, const std::string& id);
  // Whether the asset belongs to a public project: anyone may read it then, and caches may keep
  // its bytes for good (they never change under one id).
  bool is_public(const Asset& asset);
  // The asset a signed URL names, for whoever holds the URL: 403 when the signature is not
  // valid for it or has expired, 404 when the asset is gone (deletion revokes its URLs).
  Asset get_signed(const std::string& id, const SignedResource& resource, int64_t expires_s,
                   const std::string& signature);
  // A URL that reads `resource` of the asset without a token until it expires (path and
  // query); nothing when signed URLs are disabled. Hand it only to callers who may read it.
  std::optional<std::string> signed_url(const Asset& asset, const SignedResource& resource);
  // When URLs signed now expire (ms).
  int64_t signed_url_expiry_ms() const;
  // Writes the asset's bytes (or `range` of them) to `out`; `asset` must come from get().
  void read(const Asset& asset, std::ostream& out,
            std::optional<storage::ByteRange> range = std::nullopt);
  // Throws 410 when the asset's bytes are no longer stored (checked before streaming them).
  void require_content(const Asset& asset);
  void remove(const auth::Principal& caller, const std::string& id);
  // The caller's own assets, or a project's (for anyone who may read the project's assets).
  std::vector<Asset> list(const auth::Principal& caller,
                          const std::optional<std::string>& project_id,
                          const std::string& before_id, int limit);

  const AssetsConfig& config() const { return config_; }
  const std::filesystem::path& staging_dir() const { return staging_dir_; }

  void set_hooks(AssetHooks hooks) { hooks_ = std::move(hooks); }
  // The asset's JSON form with what the hooks add (processing state, media metadata).
  nlohmann::json describe(const Asset& asset);
  // Removes the blob unless an asset or a derivative still names it. A failure leaves an
  // unreferenced blob (harmless, reclaimable), never a row without bytes.
  void release_blob(const std::string& sha256);
  // Every blob the owner's assets and their derivatives name: what to release once the account
  // (and with it every asset row, by ON DELETE CASCADE) is gone.
  std::vector<std::string> blobs_of_owner(const std::string& owner_id);

 private:
  // The caller's access to a project; 404 when they may not know it.
  projects::Access project_access(const auth::Principal& caller, const std::string& project_id);
  // The sniffed type of `head`; 400 when empty, 415 unless it is `declared`.
  std::string check_content(std::string_view head, const std::string& declared);
  Asset store_staged(const auth::Principal& caller, const StreamedUpload& upload,
                     StagedUpload& staged, const std::string& type);

  AssetStore& store_;
  storage::BlobStore& blobs_;
  projects::ProjectsService& projects_;
  AssetsConfig config_;
  AssetUrlSigner signer_;
  std::filesystem::path staging_dir_;
  AssetHooks hooks_;
};

}  // namespace od::assets
