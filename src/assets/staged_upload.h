// An upload on its way in: the bytes go to a temp file in the staging directory as they arrive,
// SHA-256-hashed on the way, with the first bytes kept for content sniffing and a hard size limit,
// so a file of any size costs one chunk of memory. The temp file is removed when the object goes
// (whatever happened: refused type, over the limit, client gone, blob store down), unless the
// blob store has taken it over; files left by a crash are swept at startup.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace od::assets {

// Fills `out` with up to `max` bytes of the upload; 0 at its end. May throw (the client went
// away): the upload is then abandoned.
using ByteSource = std::function<size_t(char* out, size_t max)>;

// How many leading bytes sniff_type() gets.
constexpr size_t kSniffBytes = 4096;

class StagedUpload {
 public:
  // Creates the temp file in `dir` (created if needed).
  explicit StagedUpload(const std::filesystem::path& dir);
  // Takes over a file received earlier (a completed resumable upload): reads it once to hash it
  // and keep its head. The file goes with this object like any staged file.
  static std::unique_ptr<StagedUpload> adopt(const std::string& path);
  ~StagedUpload();
  StagedUpload(const StagedUpload&) = delete;
  StagedUpload& operator=(const StagedUpload&) = delete;

  // Writes everything `source` yields. Calls `check_head` once, as soon as kSniffBytes have
  // arrived (or at the end, for smaller files), so a wrong type is refused before the rest is
  // read. Throws ApiError 413 once more than `max_bytes` arrive.
  void receive(const ByteSource& source, int64_t max_bytes,
               const std::function<void(std::string_view head)>& check_head);

  const std::string& path() const { return path_; }
  int64_t size() const { return size_; }
  const std::string& sha256() const { return sha256_; }
  const std::string& head() const { return head_; }  // the first kSniffBytes
  // Leaves the file in place when this object goes (a later retry will adopt it again).
  void keep_file() { keep_ = true; }
  // The whole file, for the few types that are rewritten in memory (SVG), up to `max_bytes`.
  std::string read_all() const;

 private:
  std::string path_;
  int fd_ = -1;
  StagedUpload() = default;

  int64_t size_ = 0;
  std::string sha256_;
  std::string head_;
  bool keep_ = false;
};

// Removes staging files (not directories) older than `max_age` (left by a crash or a killed
// worker).
void sweep_staging(const std::filesystem::path& dir, std::chrono::seconds max_age);

// Removes the files of `dir` named after uploads that no longer exist (`exists(name)` false) and
// untouched for `min_age` (a file may be created just before its row): with several instances on
// one database, another instance may have swept the row of an upload received here.
void sweep_orphans(const std::filesystem::path& dir, std::chrono::seconds min_age,
                   const std::function<bool(const std::string& name)>& exists);

}  // namespace od::assets
