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
//   assets/N-<filename>  the project's assets (uploaded files), listed in the manifest's
//                        "assets" as {path, filename, contentType}; import uploads them again
//                        (type sniffing, SVG sanitising, quota), derivatives are remade there
//
// Uploaded archives are hostile. parse_project_zip checks sizes while inflating (never trusting
// the declared sizes), entry names (zip-slip, duplicates, encodings), entry types and the JSON
// inside, and reports the first problem as an ApiError naming the entry.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "projects/project.h"

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
  size_t max_archive_bytes = 20 * 1024 * 1024;  // the compressed upload
  size_t max_entries = 200;
  size_t max_entry_bytes = 4 * 1024 * 1024;   // inflated, per entry that is read
  size_t max_total_bytes = 16 * 1024 * 1024;  // inflated, over every entry that is read
  // Inflated/compressed beyond this is a bomb, once an entry has inflated past ratio_floor_bytes
  // (small, very regular files legitimately compress far better).
  size_t max_ratio = 100;
  size_t ratio_floor_bytes = 1024 * 1024;
  size_t max_name_bytes = 255;
  int max_json_depth = 63;  // design.json: one level less than a project body allows
  size_t max_assets = 100;
};

// An asset as the archive carries it (the bytes of the original upload).
struct ArchivedAsset {
  std::string filename;
  std::string content_type;
  std::string bytes;
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

// The project (and, when `history` is given, those versions) as ZIP bytes.
std::string export_project_zip(const Project& project, const std::vector<Version>* history,
                               const std::vector<ArchivedAsset>& assets = {});

// Reads an uploaded archive. Throws ApiError: 400 `invalid_archive` (not a ZIP, corrupt,
// truncated), 413 `archive_too_large` (sizes, entry count, compression ratio), 422
// `unsafe_archive_entry` (names and entry types) or `invalid_project_archive` (manifest, JSON,
// unexpected or missing files); details.entry names the entry when there is one.
ImportedProject parse_project_zip(std::string_view zip_bytes, const ImportLimits& limits);

// "<slug of the title>.zip": lowercase ASCII letters, digits and dashes only, so it is safe in a
// Content-Disposition header.
std::string archive_file_name(const Project& project);

// A ZIP of (path, content) entries, in order, built in memory (generated results, brief 003).
// Paths must already be safe relative paths; the caller bounds the total size.
std::string zip_entries(const std::vector<std::pair<std::string, std::string>>& entries);

}  // namespace od::projects
