#include "projects/staged_archive.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>

namespace od::projects {
namespace {

constexpr size_t kChunk = 256 * 1024;

[[noreturn]] void fail(const char* what) {
  throw std::runtime_error(std::string("staging an archive: ") + what + ": " +
                           std::strerror(errno));
}

// Closes the descriptor unless it was handed over.
class FdGuard {
 public:
  explicit FdGuard(int fd) : fd_(fd) {}
  ~FdGuard() {
    if (fd_ >= 0) ::close(fd_);
  }
  FdGuard(const FdGuard&) = delete;
  FdGuard& operator=(const FdGuard&) = delete;
  int get() const { return fd_; }
  int release() {
    int fd = fd_;
    fd_ = -1;
    return fd;
  }

 private:
  int fd_;
};

int unnamed_file(const std::filesystem::path& dir) {
  int fd = ::open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (fd >= 0) return fd;
  // File systems without O_TMPFILE: a named file, unlinked at once.
  std::string pattern = (dir / "import-XXXXXX").string();
  fd = ::mkostemp(pattern.data(), O_CLOEXEC);
  if (fd < 0) fail("create");
  ::unlink(pattern.c_str());
  return fd;
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

}  // namespace

int stage_archive(const std::string& dir, const std::function<size_t(char*, size_t)>& read,
                  uint64_t max_bytes, const std::function<ApiError()>& too_large) {
  std::filesystem::path where =
      dir.empty() ? std::filesystem::temp_directory_path() : std::filesystem::path(dir);
  std::filesystem::create_directories(where);
  FdGuard fd(unnamed_file(where));
  std::string buffer(kChunk, '\0');
  uint64_t received = 0;
  while (size_t got = read(buffer.data(), buffer.size())) {
    received += got;
    if (received > max_bytes) throw too_large();
    write_all(fd.get(), buffer.data(), got);
  }
  if (::lseek(fd.get(), 0, SEEK_SET) != 0) fail("seek");
  return fd.release();
}

}  // namespace od::projects
