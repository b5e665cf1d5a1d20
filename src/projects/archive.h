// Project archives: a project as a ZIP file a person can download, read, edit and upload again.
// Pure logic over libzip (no HTTP, no storage), so the CLI and jobs can use it too.
//
// Layout of an archive (format "opendesign-project", version 1):
//   manifest.json        format, formatVersion, projectId, title, description, tags, isPublic,
//                        isTemplate, exportedAt, framework, files (the paths below, in order)
//   design.json          the project's designJson
//   code files           one per code field present, named by framework (kCodeFiles):
//                          plain: index.html, styles.css, script.js
//                          react: index.html, src/App.css, src/App.jsx
//                          vue:   index.html, src/style.css, src/App.vue
//   versions/N/...       only with history: version.json (number, label, createdBy, createdAt),
//                        design.json and the code files of version N
//   assets/N-<filename>  the project's assets (uploaded files), stored uncompressed, listed in
//                        the manifest's "assets" as {path, filename, contentType}; import
//                        uploads them again (type sniffing, SVG sanitising, quota), derivatives
//                        are remade there
// manifest.json comes first, so a streaming reader knows what follows.
//
// Export streams: project_zip() lays the archive out, and the caller writes it to the response
// while asset bytes are read from the blob store chunk by chunk.
// Uploaded archives are hostile. ProjectArchiveReader checks sizes while inflating (never
// trusting the declared sizes), entry names (zip-slip, duplicates, encodings), entry types and the
// JSON inside, and reports the first problem as an ApiError naming the entry.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "projects/project.h"
#include "projects/zip_stream.h"

struct zip_source;  // libzip's, kept out of this header

namespace od::projects {

inline constexpr const char* kArchiveFormat = "opendesign-project";
inline constexpr int kArchiveFormatVersion = 1;

// Archive path of each code field (html, css, js), per framework; import maps them back.
struct CodeFile {
  const char* framework;
  const char* field;
  const char* path;
};
inline constexpr CodeFile kCodeFiles[] = {
    {"plain", "html", "index.html"}, {"plain", "css", "styles.css"},
    {"plain", "js", "script.js"},    {"react", "html", "index.html"},
    {"react", "css", "src/App.css"}, {"react", "js", "src/App.jsx"},
    {"vue", "html", "index.html"},   {"vue", "css", "src/style.css"},
    {"vue", "js", "src/App.vue"},
};

struct ImportLimits {
  // The compressed upload. Export has no size limit, so this one is large; the upload is staged
  // on disk, never held in memory.
  uint64_t max_archive_bytes = 2048ull * 1024 * 1024;
  // Every asset a project may hold, plus its own files and history (versions/), so whatever
  // export writes import reads back; the count only keeps a hostile central directory bounded.
  size_t max_entries = 10'200;
  // Entries read into memory (manifest, design, code): inflated, per entry and in all.
  size_t max_entry_bytes = 4 * 1024 * 1024;
  size_t max_total_bytes = 16 * 1024 * 1024;
  // Assets are streamed to the upload path one chunk at a time; each is capped by its inflated
  // size (the upload path has its own, usually smaller, limit and the user's quota).
  uint64_t max_asset_bytes = 2048ull * 1024 * 1024;
  // Inflated/compressed beyond this is a bomb, once an entry has inflated past ratio_floor_bytes
  // (small, very regular files legitimately compress far better).
  size_t max_ratio = 100;
  size_t ratio_floor_bytes = 1024 * 1024;
  size_t max_name_bytes = 255;
  int max_json_depth = 63;  // design.json: one level less than a project body allows
  size_t max_assets = 10'000;
};

// An asset as export streams it: the bytes of the original upload, written when the archive is.
struct ExportedAsset {
  std::string filename;
  std::string content_type;
  uint64_t size = 0;
  StreamedZip::Producer write;  // writes exactly `size` bytes
};

// An asset entry of an uploaded archive, validated but not yet read.
struct ArchivedAsset {
  std::string path;  // the entry
  std::string filename;
  std::string content_type;
  uint64_t declared_size = 0;  // what the archive claims: a hint, checked while reading
};

// What an archive holds, validated, ready to become a new project.
struct ImportedProject {
  std::string source_id;  // the id the project had where it was exported; informational
  std::string title;
  std::string description;
  std::vector<std::string> tags;
  bool is_public = false;
  bool is_template = false;
  nlohmann::json design = nlohmann::json::object();
  nlohmann::json code = nlohmann::json::object();  // {html?, css?, js?, framework}
  std::vector<ArchivedAsset> assets;
};

// The project (and, when `history` is given, those versions) as a ZIP laid out for streaming:
// manifest and content deflated now, asset bytes produced while it is written.
StreamedZip project_zip(const Project& project, const std::vector<Version>* history,
                        std::vector<ExportedAsset> assets = {}, StreamedZip::Options options = {});

// Reads an uploaded archive. The constructor checks every entry (names, types, methods, count),
// then reads and validates the manifest, design.json and the code files; asset entries are read
// later, one at a time, through asset_reader(). Throws ApiError: 400 `invalid_archive` (not a
// ZIP, corrupt, truncated), 413 `archive_too_large` (sizes, entry count, compression ratio),
// 422 `unsafe_archive_entry` (names and entry types) or `invalid_project_archive` (manifest,
// JSON, unexpected or missing files); details.entry names the entry when there is one.
class ProjectArchiveReader {
 public:
  // The archive in a seekable file (a staged upload); the reader takes it over and closes it.
  ProjectArchiveReader(FILE* file, const ImportLimits& limits);
  // The archive in memory; `bytes` must outlive the reader.
  ProjectArchiveReader(std::string_view bytes, const ImportLimits& limits);
  ~ProjectArchiveReader();
  ProjectArchiveReader(const ProjectArchiveReader&) = delete;
  ProjectArchiveReader& operator=(const ProjectArchiveReader&) = delete;

  const ImportedProject& project() const { return project_; }

  // The inflated bytes of project().assets[index], up to `max` per call into `out`, 0 at the
  // end: the size, ratio and checksum are checked on the real bytes as they come, and a
  // problem throws the ApiError above. One asset at a time; the reader must outlive it.
  std::function<size_t(char* out, size_t max)> asset_reader(size_t index);

 private:
  struct Archive;
  void open(::zip_source* source);
  void read_project();

  ImportLimits limits_;
  std::unique_ptr<Archive> archive_;
  ImportedProject project_;
};

// "<slug of the title>.zip": lowercase ASCII letters, digits and dashes only, so it is safe in a
// Content-Disposition header.
std::string archive_file_name(const Project& project);

// A ZIP of (path, content) entries, in order, built in memory (generated results, brief 003).
// Paths must already be safe relative paths; the caller bounds the total size.
std::string zip_entries(const std::vector<std::pair<std::string, std::string>>& entries);

}  // namespace od::projects
