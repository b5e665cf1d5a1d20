#include "storage/local_blob_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <vector>

#include "storage/sha256_stream.h"
#include "storage/unique_fd.h"

namespace od::storage {
namespace fs = std::filesystem;
namespace {

constexpr size_t kChunk = 64 * 1024;

[[noreturn]] void fail(const std::string& what) {
  throw StorageError("local blob store: " + what + ": " + std::strerror(errno));
}

void write_all(int fd, const char* data, size_t size) {
  while (size > 0) {
    ssize_t n = ::write(fd, data, size);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail("write");
    data += n;
    size -= static_cast<size_t>(n);
  }
}

void fsync_dir(const fs::path& dir) {
  UniqueFd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd || ::fsync(fd.get()) != 0) fail("fsync " + dir.string());
}

// Temp files older than this are leftovers of a crashed write (a live write is never this slow
// between chunks on a healthy disk, and a slow one only loses its temp file, not a blob).
constexpr auto kStaleTemp = std::chrono::hours(1);

}  // namespace

bool valid_key(const std::string& sha256) {
  if (sha256.size() != 64) return false;
  for (char c : sha256) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

LocalBlobStore::LocalBlobStore(fs::path root) : root_(std::move(root)) {
  fs::create_directories(temp_dir());
  auto now = fs::file_time_type::clock::now();
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(temp_dir(), ec)) {
    if (now - entry.last_write_time(ec) > kStaleTemp) fs::remove(entry.path(), ec);
  }
}

fs::path LocalBlobStore::path_of(const std::string& sha256) const {
  if (!valid_key(sha256)) throw StorageError("local blob store: invalid key");
  return root_ / sha256.substr(0, 2) / sha256.substr(2, 2) / sha256;
}

BlobInfo LocalBlobStore::put_file(const std::string& path, const std::string& content_type) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw StorageError("local blob store: cannot open " + path);
  return put_stream(in, std::nullopt, content_type);
}

BlobInfo LocalBlobStore::put_staged_file(const std::string& path, const std::string& sha256,
                                         const std::string& content_type) {
  fs::path target = path_of(sha256);
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) fail("open " + path);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) fail("stat");
  // Durable before it becomes visible, as put_stream's temp file is.
  if (::fsync(fd.get()) != 0) fail("fsync");
  BlobInfo info{sha256, static_cast<uint64_t>(st.st_size), content_type};
  fs::create_directories(target.parent_path());
  if (fs::exists(target)) return info;  // same bytes already stored; the caller drops its file
  if (::rename(path.c_str(), target.c_str()) != 0) {
    // Staged on another file system: copy instead.
    if (errno == EXDEV) return BlobStore::put_staged_file(path, sha256, content_type);
    fail("rename");
  }
  fsync_dir(target.parent_path());
  return info;
}

BlobInfo LocalBlobStore::put_stream(std::istream& in, std::optional<uint64_t> size,
                                    const std::string& content_type) {
  std::string temp = (temp_dir() / "put-XXXXXX").string();
  UniqueFd fd(::mkostemp(temp.data(), O_CLOEXEC));
  if (!fd) fail("create temp file");
  // Until the rename succeeds, the temp file is ours to remove on any failure.
  struct TempGuard {
    std::string path;
    bool armed = true;
    ~TempGuard() {
      if (armed) ::unlink(path.c_str());
    }
  } guard{temp};

  Sha256Stream hash;
  uint64_t total = 0;
  std::vector<char> buffer(kChunk);
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    auto n = static_cast<size_t>(in.gcount());
    if (n == 0) break;
    total += n;
    if (size && total > *size) throw StorageError("local blob store: stream longer than promised");
    hash.update({buffer.data(), n});
    write_all(fd.get(), buffer.data(), n);
  }
  if (in.bad()) throw StorageError("local blob store: reading the source failed");
  if (size && total != *size) throw StorageError("local blob store: stream shorter than promised");
  if (::fsync(fd.get()) != 0) fail("fsync");

  BlobInfo info{hash.finish_hex(), total, content_type};
  fs::path target = path_of(info.sha256);
  fs::create_directories(target.parent_path());
  if (fs::exists(target)) return info;  // same bytes already stored: the guard drops ours
  if (::rename(temp.c_str(), target.c_str()) != 0) fail("rename");
  guard.armed = false;
  fsync_dir(target.parent_path());
  return info;
}

bool LocalBlobStore::get(const std::string& sha256, std::ostream& out,
                         std::optional<ByteRange> range) {
  UniqueFd fd(::open(path_of(sha256).c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) {
    if (errno == ENOENT) return false;
    fail("open");
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) fail("stat");
  auto size = static_cast<uint64_t>(st.st_size);
  uint64_t offset = range ? std::min(range->offset, size) : 0;
  uint64_t remaining = size - offset;
  if (range && range->length) remaining = std::min(remaining, *range->length);
  std::vector<char> buffer(kChunk);
  while (remaining > 0) {
    size_t want = static_cast<size_t>(std::min<uint64_t>(remaining, buffer.size()));
    ssize_t n = ::pread(fd.get(), buffer.data(), want, static_cast<off_t>(offset));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail("read");
    if (n == 0) break;
    out.write(buffer.data(), n);
    if (!out) break;  // the reader is gone (a client that hung up): stop reading the disk
    offset += static_cast<uint64_t>(n);
    remaining -= static_cast<uint64_t>(n);
  }
  return true;
}

std::optional<BlobInfo> LocalBlobStore::head(const std::string& sha256) {
  std::error_code ec;
  auto size = fs::file_size(path_of(sha256), ec);
  if (ec) return std::nullopt;
  return BlobInfo{sha256, size, ""};
}

bool LocalBlobStore::remove(const std::string& sha256) {
  fs::path path = path_of(sha256);
  std::error_code ec;
  bool removed = fs::remove(path, ec);
  if (ec) throw StorageError("local blob store: remove: " + ec.message());
  if (removed) fsync_dir(path.parent_path());
  return removed;
}

}  // namespace od::storage
