#include "projects/staged_archive.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <stdexcept>

namespace od::projects {
namespace {

constexpr size_t kChunk = 256 * 1024;

[[noreturn]] void fail(const char* what) {
  throw std::runtime_error(std::string("staging an archive: ") + what + ": " +
                           std::strerror(errno));
}

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

}  // namespace

FILE* stage_archive(const std::string& dir, const std::function<size_t(char*, size_t)>& read,
                    uint64_t max_bytes, const std::function<ApiError()>& too_large) {
  std::filesystem::path where =
      dir.empty() ? std::filesystem::temp_directory_path() : std::filesystem::path(dir);
  std::filesystem::create_directories(where);
  int fd = unnamed_file(where);
  std::unique_ptr<FILE, int (*)(FILE*)> file(::fdopen(fd, "w+b"), &std::fclose);
  if (!file) {
    ::close(fd);
    fail("open");
  }
  std::string buffer(kChunk, '\0');
  uint64_t received = 0;
  while (size_t got = read(buffer.data(), buffer.size())) {
    received += got;
    if (received > max_bytes) throw too_large();
    if (std::fwrite(buffer.data(), 1, got, file.get()) != got) fail("write");
  }
  if (std::fflush(file.get()) != 0) fail("write");
  std::rewind(file.get());
  return file.release();
}

}  // namespace od::projects
