#include "assets/service.h"

#include <cstring>
#include <istream>
#include <streambuf>

#include "assets/sniff.h"
#include "assets/svg_sanitizer.h"
#include "core/crypto.h"
#include "core/error.h"
#include "core/ids.h"
#include "core/log.h"
#include "core/time.h"

namespace od::assets {
namespace {

// Reads a string_view as a stream without copying it.
class ViewBuffer : public std::streambuf {
 public:
  explicit ViewBuffer(std::string_view view) {
    char* begin = const_cast<char*>(view.data());
    setg(begin, begin, begin + view.size());
  }
};

ApiError unsupported(const std::string& message) {
  return ApiError(415, "unsupported_type", message);
}

std::string megabytes(int64_t bytes) { return std::to_string(bytes / (1024 * 1024)) + " MiB"; }

ApiError quota_exceeded(int64_t quota_bytes) {
  return ApiError(413, "quota_exceeded",
                  "This upload would exceed your storage quota of " + megabytes(quota_bytes) + ".");
}

}  // namespace

AssetsService::AssetsService(AssetStore& store, storage::BlobStore& blobs,
                             projects::ProjectsService& projects, AssetsConfig config)
    : store_(store),
      blobs_(blobs),
      projects_(projects),
      config_(config),
      signer_(config_.signed_urls),
      staging_dir_(config_.staging_dir.empty()
                       ? std::filesystem::temp_directory_path() / "opendesign-uploads"
                       : std::filesystem::path(config_.staging_dir)) {
  std::filesystem::create_directories(staging_dir_);
  // A live upload writes its file continuously; one untouched this long was left by a crash.
  sweep_staging(staging_dir_, std::chrono::hours(1));
}

projects::Access AssetsService::project_access(const auth::Principal& caller,
                                               const std::string& project_id) {
  return projects_.get(caller, project_id).access;
}

Asset AssetsService::upload(const auth::Principal& caller, const UploadInput& input) {
  std::string_view rest = input.bytes;
  ByteSource source = [&rest](char* out, size_t max) {
    size_t n = std::min(max, rest.size());
    std::memcpy(out, rest.data(), n);
    rest.remove_prefix(n);
    return n;
  };
  return upload_stream(caller,
                       {input.filename, input.declared_type, input.project_id,
                        static_cast<int64_t>(input.bytes.size())},
                       source);
}

std::string AssetsService::check_before_bytes(const auth::Principal& caller,
                                              const StreamedUpload& upload) {
  if (upload.declared_size && *upload.declared_size > config_.max_file_bytes) {
    throw payload_too_large("A file may be at most " + megabytes(config_.max_file_bytes) + ".");
  }
  auto declared = canonical_type(upload.declared_type);
  if (!declared) {
    throw unsupported("Accepted types: PNG, JPEG, WebP, GIF, SVG, MP4, WebM and MOV.");
  }
  if (upload.project_id) {
    if (project_access(caller, *upload.project_id) < projects::Access::Editor) {
      throw forbidden("Adding assets to this project needs editor access.");
    }
  }
  return *declared;
}

void AssetsService::check_quota(const auth::Principal& caller, int64_t more_bytes) {
  if (store_.usage(caller.user_id) + more_bytes > config_.quota_bytes) {
    throw quota_exceeded(config_.quota_bytes);
  }
}

std::string AssetsService::check_content(std::string_view head, const std::string& declared) {
  if (head.empty()) throw validation_error("The file is empty.", {{"field", "body"}});
  auto sniffed = sniff_type(head);
  if (!sniffed || *sniffed != declared) {
    throw ApiError(415, "type_mismatch", "The file's content is not " + declared + ".",
                   {{"declared", declared},
                    {"detected", sniffed ? nlohmann::json(*sniffed) : nlohmann::json(nullptr)}});
  }
  return *sniffed;
}

Asset AssetsService::upload_stream(const auth::Principal& caller, const StreamedUpload& upload,
                                   const ByteSource& source) {
  // Everything that can be refused before the bytes arrive is refused first.
  std::string declared = check_before_bytes(caller, upload);
  if (upload.declared_size) check_quota(caller, *upload.declared_size);
  StagedUpload staged(staging_dir_);
  staged.receive(source, config_.max_file_bytes,
                 [&](std::string_view head) { check_content(head, declared); });
  return store_staged(caller, upload, staged, declared);
}

Asset AssetsService::upload_staged(const auth::Principal& caller, const StreamedUpload& upload,
                                   StagedUpload& staged) {
  std::string declared = check_before_bytes(caller, upload);
  if (staged.size() > config_.max_file_bytes) {
    throw payload_too_large("A file may be at most " + megabytes(config_.max_file_bytes) + ".");
  }
  check_content(staged.head(), declared);
  return store_staged(caller, upload, staged, declared);
}

Asset AssetsService::store_staged(const auth::Principal& caller, const StreamedUpload& upload,
                                  StagedUpload& staged, const std::string& type) {
  Asset asset;
  asset.id = upload.asset_id.value_or(new_id());
  asset.owner_id = caller.user_id;
  asset.project_id = upload.project_id;
  asset.filename = sanitize_filename(upload.filename);
  asset.content_type = type;
  asset.size = staged.size();
  asset.sha256 = staged.sha256();
  // SVG is rewritten (sanitised), in memory: markup files are small next to the per-file limit.
  std::optional<std::string> clean;
  if (type == "image/svg+xml") {
    clean = sanitize_svg(staged.read_all());
    if (!clean) throw ApiError(422, "invalid_svg", "The SVG is not well-formed markup.");
    asset.size = static_cast<int64_t>(clean->size());
    asset.sha256 = crypto::sha256_hex(*clean);
  }
  // The row goes in first (pending), so a concurrent delete of another asset with the same bytes
  // sees a reference and keeps the blob.
  asset.status = "pending";
  asset.created_at = now_ms();
  if (!store_.insert_within_quota(asset, config_.quota_bytes)) {
    throw quota_exceeded(config_.quota_bytes);
  }
  try {
    if (clean) {
      ViewBuffer buffer(*clean);
      std::istream in(&buffer);
      blobs_.put_stream(in, clean->size(), asset.content_type);
    } else {
      blobs_.put_staged_file(staged.path(), asset.sha256, asset.content_type);
    }
  } catch (const storage::StorageError& e) {
    store_.remove(asset.id);
    log::error("asset_store_failed", {{"assetId", asset.id}, {"error", e.what()}});
    throw unavailable("The file store is not available; try again.");
  }
  store_.set_status(asset.id, "ready");
  asset.status = "ready";
  if (hooks_.finalised) {
    try {
      hooks_.finalised(asset);
    } catch (const std::exception& e) {
      // The upload itself succeeded; the asset stays `processing: pending` and says so.
      log::error("asset_processing_not_queued", {{"assetId", asset.id}, {"error", e.what()}});
    }
  }
  return asset;
}

Asset AssetsService::get(const Caller& caller, const std::string& id) {
  auto asset = id.size() <= 64 ? store_.find(id) : std::nullopt;
  if (!asset) throw not_found("asset");
  if (caller && (asset->owner_id == caller->user_id || caller->is_admin())) return *asset;
  if (asset->project_id) {
    try {
      // Members read the assets of their project; anyone, signed in or not, those of a public
      // one (Access::Public). A project the caller may not see at all answers 404.
      if (projects_.get(caller, *asset->project_id).access >= projects::Access::Public) {
        return *asset;
      }
    } catch (const ApiError& e) {
      if (e.status() != 404) throw;
    }
  }
  throw not_found("asset");
}

bool AssetsService::is_public(const Asset& asset) {
  if (!asset.project_id) return false;
  try {
    return projects_.get(std::nullopt, *asset.project_id).project.is_public;
  } catch (const ApiError&) {
    return false;
  }
}

Asset AssetsService::get_signed(const std::string& id, const SignedResource& resource,
                                int64_t expires_s, const std::string& signature) {
  signer_.verify(id, resource, expires_s, signature, now_ms());
  auto asset = store_.find(id);
  if (!asset) throw not_found("asset");
  return *asset;
}

int64_t AssetsService::signed_url_expiry_ms() const {
  return (now_ms() / 1000 + signer_.ttl_seconds()) * 1000;
}

std::optional<std::string> AssetsService::signed_url(const Asset& asset,
                                                     const SignedResource& resource) {
  if (!signer_.enabled()) return std::nullopt;
  return signer_.url(asset.id, resource, signed_url_expiry_ms() / 1000);
}

void AssetsService::read(const Asset& asset, std::ostream& out,
                         std::optional<storage::ByteRange> range) {
  bool found = false;
  try {
    found = blobs_.get(asset.sha256, out, range);
  } catch (const storage::StorageError& e) {
    log::error("asset_read_failed", {{"assetId", asset.id}, {"error", e.what()}});
    throw unavailable("The file store is not available; try again.");
  }
  if (!found) {
    log::error("asset_blob_missing", {{"assetId", asset.id}, {"sha256", asset.sha256}});
    throw ApiError(410, "content_missing", "The asset's content is no longer stored.");
  }
}

void AssetsService::require_content(const Asset& asset) {
  std::optional<storage::BlobInfo> info;
  try {
    info = blobs_.head(asset.sha256);
  } catch (const storage::StorageError& e) {
    log::error("asset_read_failed", {{"assetId", asset.id}, {"error", e.what()}});
    throw unavailable("The file store is not available; try again.");
  }
  if (!info) {
    log::error("asset_blob_missing", {{"assetId", asset.id}, {"sha256", asset.sha256}});
    throw ApiError(410, "content_missing", "The asset's content is no longer stored.");
  }
}

void AssetsService::remove(const auth::Principal& caller, const std::string& id) {
  Asset asset = get(caller, id);
  if (asset.owner_id != caller.user_id && !caller.is_admin()) {
    throw forbidden("Only the asset's owner may delete it.");
  }
  std::vector<std::string> derived;
  if (hooks_.derived_blobs) derived = hooks_.derived_blobs(asset.id);
  if (!store_.remove(asset.id)) throw not_found("asset");
  // Identical bytes are stored once: the blob goes with the last asset that uses it.
  release_blob(asset.sha256);
  for (const auto& sha : derived) release_blob(sha);
}

void AssetsService::release_blob(const std::string& sha256) {
  store_.remove_if_unreferenced(sha256, [&] {
    try {
      blobs_.remove(sha256);
    } catch (const storage::StorageError& e) {
      log::warn("asset_blob_not_removed", {{"sha256", sha256}, {"error", e.what()}});
    }
  });
}

std::vector<std::string> AssetsService::blobs_of_owner(const std::string& owner_id) {
  std::vector<std::string> out = store_.blobs_of_owner(owner_id);
  if (hooks_.owner_derived_blobs) {
    for (auto& sha : hooks_.owner_derived_blobs(owner_id)) out.push_back(std::move(sha));
  }
  return out;
}

nlohmann::json AssetsService::describe(const Asset& asset) {
  nlohmann::json out = to_json(asset);
  // Only callers who may read the asset are described it: they may have its URL.
  auto url = asset.status == "ready" ? signed_url(asset, {}) : std::nullopt;
  out["contentUrl"] = url ? nlohmann::json(*url) : nlohmann::json(nullptr);
  out["contentUrlExpiresAt"] =
      url ? nlohmann::json(rfc3339(signed_url_expiry_ms())) : nlohmann::json(nullptr);
  if (hooks_.describe) hooks_.describe(asset, out);
  return out;
}

std::vector<Asset> AssetsService::list(const auth::Principal& caller,
                                       const std::optional<std::string>& project_id,
                                       const std::string& before_id, int limit) {
  if (!project_id) return store_.list_by_owner(caller.user_id, before_id, limit);
  if (project_access(caller, *project_id) < projects::Access::Viewer) {
    throw not_found("project");
  }
  return store_.list_by_project(*project_id, before_id, limit);
}

}  // namespace od::assets
