#include "assets/resumable.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <vector>

#include "core/error.h"
#include "core/ids.h"
#include "core/log.h"
#include "core/time.h"
#include "storage/unique_fd.h"

namespace od::assets {
namespace {

constexpr size_t kChunk = 256 * 1024;
constexpr int kSweepBatch = 100;

ApiError disk_failure(const std::string& what) {
  log::error("resumable_upload_io", {{"what", what}, {"errno", errno}});
  return unavailable("The upload could not be stored; try again.");
}

void write_all(int fd, const char* data, size_t size) {
  while (size > 0) {
    ssize_t n = ::write(fd, data, size);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw disk_failure("write");
    data += n;
    size -= static_cast<size_t>(n);
  }
}

}  // namespace

ResumableUploads::ResumableUploads(ResumableStore& store, AssetsService& assets,
                                   ResumableConfig config)
    : store_(store), assets_(assets), config_(config), dir_(assets.staging_dir() / "resumable") {
  std::filesystem::create_directories(dir_);
  sweep();
}

std::filesystem::path ResumableUploads::file_of(const std::string& id) const {
  return dir_ / id;  // ids are ours (new_id), checked by owned() before any use
}

ResumableUpload ResumableUploads::create(const auth::Principal& caller,
                                         const StreamedUpload& upload) {
  if (!upload.declared_size || *upload.declared_size < 1) {
    throw validation_error("Upload-Length must be a positive number of bytes.",
                           {{"field", "Upload-Length"}});
  }
  sweep();  // creation is a fine moment to reclaim the abandoned
  std::string type = assets_.check_before_bytes(caller, upload);
  assets_.check_quota(caller, store_.pending_bytes(caller.user_id) + *upload.declared_size);

  ResumableUpload u;
  u.id = new_id();
  u.owner_id = caller.user_id;
  u.project_id = upload.project_id;
  u.filename = upload.filename;
  u.declared_type = type;
  u.length = *upload.declared_size;
  u.created_at = now_ms();
  u.expires_at = u.created_at + config_.expiry_seconds * 1000;
  storage::UniqueFd fd(
      ::open(file_of(u.id).c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
  if (!fd) throw disk_failure("create");
  try {
    store_.insert(u);
  } catch (...) {
    ::unlink(file_of(u.id).c_str());
    throw;
  }
  return u;
}

ResumableUpload ResumableUploads::owned(const auth::Principal& caller, const std::string& id) {
  auto u = id.size() <= 64 ? store_.find(id) : std::nullopt;
  if (!u || u->owner_id != caller.user_id) throw not_found("upload");
  if (u->expires_at < now_ms()) {
    discard(u->id);
    throw ApiError(410, "upload_expired", "This upload has expired; start a new one.");
  }
  return *u;
}

ResumableUploads::State ResumableUploads::status(const auth::Principal& caller,
                                                 const std::string& id) {
  ResumableUpload u = owned(caller, id);
  if (u.asset_id) return {u, u.length};
  struct stat st {};
  if (::stat(file_of(u.id).c_str(), &st) != 0) {
    // The bytes are on another instance's disk, or were lost: the upload cannot continue.
    throw ApiError(410, "upload_lost", "This upload's bytes are gone; start a new one.");
  }
  return {u, static_cast<int64_t>(st.st_size)};
}

ResumableUploads::Appended ResumableUploads::append(const auth::Principal& caller,
                                                    const std::string& id, int64_t offset,
                                                    const ByteSource& source) {
  ResumableUpload u = owned(caller, id);
  if (u.asset_id) {
    if (offset != u.length) {
      throw ApiError(409, "offset_mismatch", "Upload-Offset does not match the upload.",
                     {{"offset", u.length}});
    }
    return {u.length, std::nullopt};
  }
  storage::UniqueFd fd(::open(file_of(u.id).c_str(), O_WRONLY | O_APPEND | O_CLOEXEC));
  if (!fd) throw ApiError(410, "upload_lost", "This upload's bytes are gone; start a new one.");
  // One writer at a time: a second PATCH (a client retrying too early) would interleave bytes.
  if (::flock(fd.get(), LOCK_EX | LOCK_NB) != 0) {
    throw conflict("upload_busy", "Another request is still sending bytes to this upload.");
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) throw disk_failure("stat");
  int64_t current = st.st_size;
  if (offset != current) {
    throw ApiError(409, "offset_mismatch", "Upload-Offset does not match the upload.",
                   {{"offset", current}});
  }
  // Whatever happens to the request, the bytes written so far are made durable: they are the
  // offset the client resumes from.
  struct Flush {
    int fd;
    ~Flush() { ::fdatasync(fd); }
  } flush{fd.get()};
  std::vector<char> buffer(kChunk);
  while (size_t n = source(buffer.data(), buffer.size())) {
    if (current + static_cast<int64_t>(n) > u.length) {
      throw ApiError(400, "exceeds_length", "The bytes go past the announced Upload-Length.",
                     {{"length", u.length}});
    }
    write_all(fd.get(), buffer.data(), n);
    current += static_cast<int64_t>(n);
  }
  if (current < u.length) return {current, std::nullopt};
  ::fdatasync(fd.get());
  return {current, complete(caller, u)};
}

Asset ResumableUploads::complete(const auth::Principal& caller, const ResumableUpload& u) {
  // The staged file is removed whatever the outcome (moved into the blob store on success).
  auto staged = StagedUpload::adopt(file_of(u.id).string());
  StreamedUpload meta{u.filename, u.declared_type, u.project_id, u.length};
  try {
    Asset asset = assets_.upload_staged(caller, meta, *staged);
    store_.set_asset(u.id, asset.id);
    return asset;
  } catch (const ApiError& e) {
    if (e.status() < 500) {
      store_.remove(u.id);  // refused for good: the upload is over
    } else {
      staged->keep_file();  // the store failed, not the file: a repeated last PATCH retries
    }
    throw;
  }
}

void ResumableUploads::terminate(const auth::Principal& caller, const std::string& id) {
  ResumableUpload u = owned(caller, id);
  discard(u.id);
}

void ResumableUploads::discard(const std::string& id) {
  std::error_code ec;
  std::filesystem::remove(file_of(id), ec);
  store_.remove(id);
}

int ResumableUploads::sweep() {
  int removed = 0;
  for (const auto& id : store_.expired(now_ms(), kSweepBatch)) {
    discard(id);
    ++removed;
  }
  if (removed > 0) log::info("resumable_uploads_swept", {{"count", removed}});
  return removed;
}

void ResumableUploads::sweep_orphan_files() {
  sweep_orphans(dir_, std::chrono::minutes(1),
                [this](const std::string& id) { return store_.find(id).has_value(); });
}

}  // namespace od::assets
