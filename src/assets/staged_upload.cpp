#include "assets/staged_upload.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <vector>

#include "core/error.h"
#include "storage/sha256_stream.h"

namespace od::assets {
namespace {

constexpr size_t kChunk = 256 * 1024;

[[noreturn]] void disk_failure(const std::string& what) {
  throw unavailable("The upload could not be written (" + what + ": " + std::strerror(errno) +
                    "); try again.");
}

}  // namespace

StagedUpload::StagedUpload(const std::filesystem::path& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  path_ = (dir / "upload-XXXXXX").string();
  fd_ = ::mkostemp(path_.data(), O_CLOEXEC);
  if (fd_ < 0) disk_failure("create");
}

StagedUpload::~StagedUpload() {
  if (fd_ >= 0) ::close(fd_);
  if (!keep_) ::unlink(path_.c_str());  // ENOENT when the blob store moved it into place
}

void StagedUpload::receive(const ByteSource& source, int64_t max_bytes,
                           const std::function<void(std::string_view head)>& check_head) {
  storage::Sha256Stream hash;
  std::vector<char> buffer(kChunk);
  std::string head;
  bool checked = false;
  while (size_t n = source(buffer.data(), buffer.size())) {
    size_ += static_cast<int64_t>(n);
    if (size_ > max_bytes) {
      throw payload_too_large("A file may be at most " + std::to_string(max_bytes) + " bytes.");
    }
    if (!checked) {
      head.append(buffer.data(), std::min(n, kSniffBytes - head.size()));
      if (head.size() == kSniffBytes) {
        check_head(head);
        checked = true;
      }
    }
    hash.update({buffer.data(), n});
    for (size_t done = 0; done < n;) {
      ssize_t w = ::write(fd_, buffer.data() + done, n - done);
      if (w < 0 && errno == EINTR) continue;
      if (w < 0) disk_failure("write");
      done += static_cast<size_t>(w);
    }
  }
  head_ = head;
  if (!checked) check_head(head);
  sha256_ = hash.finish_hex();
}

std::unique_ptr<StagedUpload> StagedUpload::adopt(const std::string& path) {
  std::unique_ptr<StagedUpload> staged(new StagedUpload());
  staged->path_ = path;
  std::ifstream in(path, std::ios::binary);
  if (!in) disk_failure("open");
  storage::Sha256Stream hash;
  std::vector<char> buffer(kChunk);
  while (in.read(buffer.data(), static_cast<std::streamsize>(buffer.size())) || in.gcount() > 0) {
    auto n = static_cast<size_t>(in.gcount());
    if (staged->head_.size() < kSniffBytes) {
      staged->head_.append(buffer.data(), std::min(n, kSniffBytes - staged->head_.size()));
    }
    hash.update({buffer.data(), n});
    staged->size_ += static_cast<int64_t>(n);
  }
  if (in.bad()) disk_failure("read");
  staged->sha256_ = hash.finish_hex();
  return staged;
}

std::string StagedUpload::read_all() const {
  std::ifstream in(path_, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return std::move(out).str();
}

void sweep_staging(const std::filesystem::path& dir, std::chrono::seconds max_age) {
  std::error_code ec;
  auto now = std::filesystem::file_time_type::clock::now();
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (entry.is_directory(ec)) continue;  // resumable uploads live in their own, swept apart
    if (now - entry.last_write_time(ec) > max_age) std::filesystem::remove(entry.path(), ec);
  }
}

void sweep_orphans(const std::filesystem::path& dir, std::chrono::seconds min_age,
                   const std::function<bool(const std::string& name)>& exists) {
  std::error_code ec;
  auto now = std::filesystem::file_time_type::clock::now();
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (entry.is_directory(ec) || now - entry.last_write_time(ec) < min_age) continue;
    if (!exists(entry.path().filename().string())) std::filesystem::remove(entry.path(), ec);
  }
}

}  // namespace od::assets
