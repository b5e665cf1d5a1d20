#include "assets/presigned.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <vector>

#include "core/crypto.h"
#include "core/error.h"
#include "core/ids.h"
#include "core/log.h"
#include "core/time.h"
#include "storage/unique_fd.h"

namespace od::assets {
namespace {

constexpr size_t kChunk = 256 * 1024;
constexpr int kSweepBatch = 100;

ApiError bad_signature() {
  return ApiError(403, "invalid_signature", "The upload URL is not valid.");
}

}  // namespace

PresignedUploads::PresignedUploads(PresignedStore& store, AssetsService& assets,
                                   storage::BlobStore& blobs, PresignedConfig config)
    : store_(store),
      assets_(assets),
      blobs_(blobs),
      config_(std::move(config)),
      dir_(assets.staging_dir() / "presigned") {
  std::filesystem::create_directories(dir_);
  sweep();
}

std::string PresignedUploads::sign(const std::string& id, int64_t expires_at, int64_t size) const {
  std::string message =
      "PUT\n" + path_of(id) + "\n" + std::to_string(expires_at) + "\n" + std::to_string(size);
  return crypto::base64url_encode(crypto::hmac_sha256(config_.signing_key, message));
}

PresignedGrant PresignedUploads::presign(const auth::Principal& caller,
                                         const StreamedUpload& upload) {
  if (!upload.declared_size || *upload.declared_size < 1) {
    throw validation_error("size must be a positive number of bytes.", {{"field", "size"}});
  }
  sweep();
  std::string type = assets_.check_before_bytes(caller, upload);
  assets_.check_quota(caller, store_.pending_bytes(caller.user_id) + *upload.declared_size);
  PresignedUpload u;
  u.id = new_id();
  u.owner_id = caller.user_id;
  u.project_id = upload.project_id;
  u.filename = upload.filename;
  u.declared_type = type;
  u.size = *upload.declared_size;
  u.state = "issued";
  u.created_at = now_ms();
  // Whole seconds: the expiry is part of the signed URL.
  u.expires_at = (u.created_at / 1000 + config_.expiry_seconds) * 1000;
  int64_t expires_s = u.expires_at / 1000;
  PresignedGrant grant;
  grant.asset_id = u.id;
  grant.expires_at = u.expires_at;
  // Signed before the row goes in: a backend that cannot sign refuses before anything is kept.
  auto direct = blobs_.presign_staging_put(u.id, type, static_cast<uint64_t>(u.size),
                                           static_cast<int>(expires_s - u.created_at / 1000));
  store_.insert(u);
  if (direct) {
    grant.upload_url = direct->url;
    grant.headers = direct->headers;
    return grant;
  }
  grant.upload_url = path_of(u.id) + "?expires=" + std::to_string(expires_s) +
                     "&size=" + std::to_string(u.size) +
                     "&signature=" + sign(u.id, expires_s, u.size);
  grant.headers = {{"Content-Type", type}};
  return grant;
}

void PresignedUploads::receive(const std::string& id, int64_t expires_s, int64_t size,
                               const std::string& signature, const ByteSource& source) {
  // The signature first, in constant time: nothing else is revealed to a forger.
  if (id.size() > 64 || !crypto::constant_time_equal(signature, sign(id, expires_s, size))) {
    throw bad_signature();
  }
  if (expires_s * 1000 < now_ms()) {
    throw ApiError(403, "url_expired", "The upload URL has expired; ask for a new one.");
  }
  auto u = store_.find(id);
  if (!u || u->size != size) throw bad_signature();
  if (!store_.transition(id, "issued", "receiving")) {
    throw conflict("already_uploaded", "This upload URL has already been used.");
  }
  // A failed transfer gives the URL back (the client may retry until it expires).
  try {
    storage::UniqueFd fd(
        ::open(file_of(id).c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
    if (!fd) throw unavailable("The upload could not be stored; try again.");
    std::vector<char> buffer(kChunk);
    int64_t total = 0;
    while (size_t n = source(buffer.data(), buffer.size())) {
      total += static_cast<int64_t>(n);
      if (total > size) {
        throw ApiError(413, "size_mismatch", "The body is larger than the size signed.",
                       {{"size", size}});
      }
      for (size_t done = 0; done < n;) {
        ssize_t w = ::write(fd.get(), buffer.data() + done, n - done);
        if (w < 0 && errno == EINTR) continue;
        if (w < 0) throw unavailable("The upload could not be stored; try again.");
        done += static_cast<size_t>(w);
      }
    }
    if (::fdatasync(fd.get()) != 0) throw unavailable("The upload could not be stored.");
  } catch (...) {
    std::error_code ec;
    std::filesystem::remove(file_of(id), ec);
    store_.transition(id, "receiving", "issued");
    throw;
  }
  store_.transition(id, "receiving", "received");
}

void PresignedUploads::fetch_direct_upload(PresignedUpload& u) {
  if (u.state != "issued") return;  // received: fetched by an earlier complete that failed later
  std::optional<uint64_t> size;
  try {
    size = blobs_.staging_size(u.id);
  } catch (const storage::StorageError& e) {
    log::warn("presigned_staging_unreachable", {{"upload", u.id}, {"error", e.what()}});
    throw unavailable("The upload could not be read from storage; try again.");
  }
  if (!size) throw conflict("not_uploaded", "Nothing has been uploaded to this URL yet.");
  if (static_cast<int64_t>(*size) != u.size) {
    close(u.id);
    throw ApiError(422, "size_mismatch", "The uploaded file is not the size declared.",
                   {{"declared", u.size}, {"received", *size}});
  }
  if (!store_.transition(u.id, "issued", "receiving")) {
    throw conflict("upload_in_progress", "This upload is being completed already.");
  }
  // A failed transfer gives the upload back: complete may be retried.
  try {
    std::ofstream out(file_of(u.id), std::ios::binary | std::ios::trunc);
    bool found = out && blobs_.get_staging(u.id, out);
    out.close();
    if (!found) throw conflict("not_uploaded", "Nothing has been uploaded to this URL yet.");
    if (!out) throw unavailable("The upload could not be stored; try again.");
  } catch (const storage::StorageError& e) {
    std::error_code ec;
    std::filesystem::remove(file_of(u.id), ec);
    store_.transition(u.id, "receiving", "issued");
    log::warn("presigned_staging_unreachable", {{"upload", u.id}, {"error", e.what()}});
    throw unavailable("The upload could not be read from storage; try again.");
  } catch (...) {
    std::error_code ec;
    std::filesystem::remove(file_of(u.id), ec);
    store_.transition(u.id, "receiving", "issued");
    throw;
  }
  store_.transition(u.id, "receiving", "received");
  u.state = "received";
}

Asset PresignedUploads::complete(const auth::Principal& caller, const std::string& id) {
  auto u = id.size() <= 64 ? store_.find(id) : std::nullopt;
  if (!u || u->owner_id != caller.user_id || u->state == "closed") throw not_found("upload");
  fetch_direct_upload(*u);
  if (u->state != "received") {
    throw conflict("not_uploaded", "Nothing has been uploaded to this URL yet.");
  }
  // From here the upload is over whatever happens: the file goes with `staged`.
  auto staged = StagedUpload::adopt(file_of(id).string());
  try {
    if (staged->size() != u->size) {
      throw ApiError(422, "size_mismatch", "The uploaded file is not the size declared.",
                     {{"declared", u->size}, {"received", staged->size()}});
    }
    StreamedUpload meta{u->filename, u->declared_type, u->project_id, u->size};
    meta.asset_id = u->id;
    Asset asset = assets_.upload_staged(caller, meta, *staged);
    close(id);
    return asset;
  } catch (const ApiError& e) {
    if (e.status() < 500) {
      close(id);
    } else {
      staged->keep_file();  // the store failed, not the file: complete may be retried
    }
    throw;
  }
}

bool PresignedUploads::remove_bytes(const std::string& id) {
  std::error_code ec;
  std::filesystem::remove(file_of(id), ec);
  try {
    blobs_.remove_staging(id);
    return true;
  } catch (const storage::StorageError& e) {
    log::warn("presigned_staging_not_removed", {{"upload", id}, {"error", e.what()}});
    return false;
  }
}

void PresignedUploads::close(const std::string& id) {
  remove_bytes(id);  // on failure the closed row stays until the sweep, which tries again
  store_.close(id);
}

int PresignedUploads::sweep() {
  int removed = 0;
  for (const auto& id :
       store_.expired(now_ms() - config_.complete_grace_seconds * 1000, kSweepBatch)) {
    // The URL has expired: nothing can be PUT to it any more, so what is there now is final.
    if (!remove_bytes(id)) continue;  // keep the row: the next sweep tries again
    store_.remove(id);
    ++removed;
  }
  if (removed > 0) log::info("presigned_uploads_swept", {{"count", removed}});
  return removed;
}

void PresignedUploads::sweep_orphan_files() {
  sweep_orphans(dir_, std::chrono::minutes(1),
                [this](const std::string& id) { return store_.find(id).has_value(); });
}

}  // namespace od::assets
