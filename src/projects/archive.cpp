#include "projects/archive.h"

#include <sys/stat.h>
#include <zip.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <stdexcept>

#include "core/error.h"
#include "core/json_input.h"
#include "core/time.h"

namespace od::projects {
namespace {

namespace ji = json_input;

constexpr const char* kManifest = "manifest.json";
constexpr const char* kDesign = "design.json";
constexpr const char* kVersionsDir = "versions/";
constexpr const char* kAssetsDir = "assets/";
// The manifest lists every asset (about 150 bytes each): room for max_assets of them.
constexpr size_t kMaxManifestBytes = 2 * 1024 * 1024;
constexpr size_t kReadChunk = 64 * 1024;

struct ZipDiscard {
  void operator()(zip_t* zip) const { zip_discard(zip); }
};
struct SourceFree {
  void operator()(zip_source_t* source) const { zip_source_free(source); }
};
struct FileClose {
  void operator()(zip_file_t* file) const { zip_fclose(file); }
};
using ZipPtr = std::unique_ptr<zip_t, ZipDiscard>;
using SourcePtr = std::unique_ptr<zip_source_t, SourceFree>;
using FilePtr = std::unique_ptr<zip_file_t, FileClose>;

ApiError entry_error(int status, const char* code, const std::string& message,
                     const std::string& entry, nlohmann::json details = nlohmann::json::object()) {
  if (!entry.empty()) details["entry"] = entry;
  return ApiError(status, code, message, std::move(details));
}

ApiError too_large(const std::string& message, const std::string& entry, const char* reason,
                   size_t limit) {
  return entry_error(413, "archive_too_large", message, entry,
                     {{"reason", reason}, {"limit", limit}});
}

ApiError unsafe_entry(const std::string& entry, const std::string& problem) {
  return entry_error(422, "unsafe_archive_entry", "Archive entry '" + entry + "' " + problem,
                     entry);
}

ApiError invalid_project(const std::string& entry, const std::string& problem) {
  return entry_error(422, "invalid_project_archive", entry + ": " + problem, entry);
}

std::string framework_of(const nlohmann::json& code) {
  std::string framework = code.is_object() ? code.value("framework", "plain") : "plain";
  return framework == "react" || framework == "vue" ? framework : "plain";
}

// Adds design.json and the code files of one state (the project or a version) under `prefix`;
// returns the paths written.
std::vector<std::string> add_content(StreamedZip& zip, const std::string& prefix,
                                     const nlohmann::json& design, const nlohmann::json& code) {
  std::vector<std::string> paths = {kDesign};
  zip.add_deflated(prefix + kDesign, design.dump());
  std::string framework = framework_of(code);
  for (const CodeFile& file : kCodeFiles) {
    if (framework != file.framework) continue;
    auto text = code.find(file.field);
    if (text == code.end() || !text->is_string()) continue;
    zip.add_deflated(prefix + file.path, text->get<std::string>());
    paths.push_back(file.path);
  }
  return paths;
}

// Strict UTF-8: no overlong forms, no surrogates, nothing past U+10FFFF.
bool valid_utf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    int extra;
    uint32_t cp;
    if ((c & 0xE0) == 0xC0) {
      extra = 1, cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      extra = 2, cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      extra = 3, cp = c & 0x07;
    } else {
      return false;
    }
    if (s.size() - i <= static_cast<size_t>(extra)) return false;
    for (int k = 1; k <= extra; ++k) {
      auto b = static_cast<unsigned char>(s[i + k]);
      if ((b & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (b & 0x3F);
    }
    static constexpr uint32_t kMin[] = {0, 0x80, 0x800, 0x10000};
    if (cp < kMin[extra] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += extra + 1;
  }
  return true;
}

// Refuses names that could escape an extraction directory or mean different files on different
// systems: absolute paths, drive letters, backslashes, `.`/`..` segments, control characters.
void check_name(const std::string& name, const ImportLimits& limits) {
  if (name.empty()) throw unsafe_entry(name, "has an empty name.");
  if (name.size() > limits.max_name_bytes) throw unsafe_entry(name, "has too long a name.");
  if (!valid_utf8(name)) throw unsafe_entry(name, "has a name that is not valid UTF-8.");
  if (name.back() == '/') throw unsafe_entry(name, "is a directory; directories are not allowed.");
  if (name.front() == '/') throw unsafe_entry(name, "has an absolute path.");
  for (unsigned char c : name) {
    if (c < 0x20 || c == 0x7F) throw unsafe_entry(name, "has a control character in its name.");
    if (c == '\\') throw unsafe_entry(name, "has a backslash in its name.");
    if (c == ':') throw unsafe_entry(name, "has a colon (drive letter or stream) in its name.");
  }
  size_t start = 0;
  while (start <= name.size()) {
    size_t slash = name.find('/', start);
    std::string_view segment(name.data() + start,
                             (slash == std::string::npos ? name.size() : slash) - start);
    if (segment.empty() || segment == "." || segment == "..") {
      throw unsafe_entry(name, "has an empty, '.' or '..' path segment.");
    }
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
}

// Only regular files: symlinks, directories and devices are refused, whatever the name says.
void check_type(zip_t* zip, zip_uint64_t index, const std::string& name) {
  zip_uint8_t opsys = 0;
  zip_uint32_t attributes = 0;
  if (zip_file_get_external_attributes(zip, index, 0, &opsys, &attributes) < 0) {
    throw entry_error(400, "invalid_archive", "The archive is corrupt.", name);
  }
  if (opsys == ZIP_OPSYS_UNIX) {
    mode_t mode = attributes >> 16;
    if (S_ISLNK(mode)) throw unsafe_entry(name, "is a symbolic link.");
    if (S_ISDIR(mode)) throw unsafe_entry(name, "is a directory; directories are not allowed.");
    if ((mode & S_IFMT) != 0 && !S_ISREG(mode)) throw unsafe_entry(name, "is not a regular file.");
  } else if (opsys == ZIP_OPSYS_DOS && (attributes & 0x10) != 0) {  // FILE_ATTRIBUTE_DIRECTORY
    throw unsafe_entry(name, "is a directory; directories are not allowed.");
  }
}

struct Entry {
  zip_uint64_t index = 0;
  zip_uint64_t compressed = 0;
  zip_uint64_t declared = 0;  // the uncompressed size the archive claims: a hint, not a fact
};

// Inflates one entry chunk by chunk, counting what actually comes out: the sizes in the archive
// are the uploader's claims, so every cap is enforced on the real bytes and reading stops at the
// cap. libzip checks the CRC-32 once the entry has been read to its end.
class EntryReader {
 public:
  EntryReader(zip_t* zip, std::string name, const Entry& entry, uint64_t cap,
              const ImportLimits& limits)
      : name_(std::move(name)), compressed_(entry.compressed), cap_(cap), limits_(limits) {
    // An honest bomb is refused by the sizes it declares, before anything is inflated.
    check(entry.declared);
    file_.reset(zip_fopen_index(zip, entry.index, 0));
    if (!file_) {
      throw entry_error(400, "invalid_archive",
                        "Archive entry '" + name_ + "' cannot be read: " + zip_strerror(zip),
                        name_);
    }
  }

  // Up to `max` inflated bytes into `out`; 0 at the end of the entry.
  size_t read(char* out, size_t max) {
    zip_int64_t got = zip_fread(file_.get(), out, max);
    if (got < 0) {
      throw entry_error(400, "invalid_archive",
                        "Archive entry '" + name_ +
                            "' is corrupt: " + zip_error_strerror(zip_file_get_error(file_.get())),
                        name_);
    }
    count_ += static_cast<uint64_t>(got);
    check(count_);
    return static_cast<size_t>(got);
  }

  const std::string& name() const { return name_; }

 private:
  void check(uint64_t size) const {
    if (size > limits_.ratio_floor_bytes &&
        size / std::max<uint64_t>(compressed_, 1) > limits_.max_ratio) {
      throw too_large("Archive entry '" + name_ + "' is compressed more than " +
                          std::to_string(limits_.max_ratio) + ":1, like a ZIP bomb.",
                      name_, "compression_ratio", limits_.max_ratio);
    }
    if (size > cap_) {
      throw too_large(
          "Archive entry '" + name_ + "' is larger than " + std::to_string(cap_) + " bytes.", name_,
          "entry_size", cap_);
    }
  }

  std::string name_;
  uint64_t compressed_;
  uint64_t cap_;
  const ImportLimits& limits_;
  FilePtr file_;
  uint64_t count_ = 0;
};

// An entry read whole into memory (manifest, design, code), counted against the total.
std::string read_entry(zip_t* zip, const std::string& name, const Entry& entry, size_t cap,
                       const ImportLimits& limits, size_t& total) {
  EntryReader reader(zip, name, entry, cap, limits);
  std::string out;
  char buffer[kReadChunk];
  while (size_t got = reader.read(buffer, sizeof buffer)) {
    out.append(buffer, got);
    total += got;
    if (total > limits.max_total_bytes) {
      throw too_large(
          "The archive inflates to more than " + std::to_string(limits.max_total_bytes) + " bytes.",
          name, "total_size", limits.max_total_bytes);
    }
  }
  return out;
}

// Runs `parse` on the text of `entry`, turning its 400 validation errors into a 422 that names
// the entry: the request itself was well-formed, the archive's content is not.
template <typename F>
auto within_entry(const std::string& entry, F parse) {
  try {
    return parse();
  } catch (const ApiError& e) {
    if (e.status() != 400) throw;
    nlohmann::json details = e.details();
    details["entry"] = entry;
    throw ApiError(422, "invalid_project_archive", entry + ": " + e.what(), details);
  }
}

std::string code_path(const std::string& framework, const std::string& field) {
  for (const CodeFile& file : kCodeFiles) {
    if (framework == file.framework && field == file.field) return file.path;
  }
  return "";
}

struct Manifest {
  ImportedProject project;
  std::vector<std::string> files;
  std::vector<ArchivedAsset> assets;
};

std::vector<ArchivedAsset> parse_asset_list(const nlohmann::json& doc, const ImportLimits& limits) {
  std::vector<ArchivedAsset> out;
  if (!doc.contains("assets")) return out;
  const auto& list = doc["assets"];
  if (!list.is_array() || list.size() > limits.max_assets) {
    throw validation_error("Field 'assets' must be an array of at most " +
                               std::to_string(limits.max_assets) + " entries.",
                           {{"field", "/assets"}});
  }
  for (const auto& item : list) {
    if (!item.is_object()) {
      throw validation_error("Each entry of 'assets' is an object.", {{"field", "/assets"}});
    }
    ArchivedAsset entry;
    entry.path = *ji::string_field(item, "path", true, 1, 255);
    entry.filename = *ji::string_field(item, "filename", true, 1, 255);
    entry.content_type = *ji::string_field(item, "contentType", true, 1, 100);
    if (entry.path.rfind(kAssetsDir, 0) != 0) {
      throw validation_error("Asset paths start with assets/.", {{"field", "/assets"}});
    }
    out.push_back(std::move(entry));
  }
  return out;
}

Manifest parse_manifest(const std::string& text, const ImportLimits& limits) {
  return within_entry(kManifest, [&] {
    auto doc = ji::parse_object(text, 8);
    auto format = ji::string_field(doc, "format", true, 1, 100);
    if (*format != kArchiveFormat) {
      throw validation_error(std::string("Field 'format' must be '") + kArchiveFormat + "'.",
                             {{"field", "/format"}});
    }
    auto version = ji::int_field(doc, "formatVersion", true, 1, INT32_MAX);
    if (*version != kArchiveFormatVersion) {
      throw validation_error("formatVersion " + std::to_string(*version) +
                                 " is not supported (this server reads version " +
                                 std::to_string(kArchiveFormatVersion) + ").",
                             {{"field", "/formatVersion"}});
    }
    Manifest m;
    ImportedProject& p = m.project;
    p.source_id = ji::string_field(doc, "projectId", false, 0, 64).value_or("");
    p.title = *ji::string_field(doc, "title", true, 1, 200);
    p.description = ji::string_field(doc, "description", false, 0, 5000).value_or("");
    p.tags = ji::string_array_field(doc, "tags", 20, 40).value_or(std::vector<std::string>{});
    p.is_public = ji::bool_field(doc, "isPublic", false).value_or(false);
    p.is_template = ji::bool_field(doc, "isTemplate", false).value_or(false);
    std::string framework = *ji::string_field(doc, "framework", true, 1, 20);
    if (framework != "plain" && framework != "react" && framework != "vue") {
      throw validation_error("Field 'framework' must be react, vue or plain.",
                             {{"field", "/framework"}});
    }
    p.code = {{"framework", framework}};
    m.files = ji::string_array_field(doc, "files", 16, 255).value_or(std::vector<std::string>{});
    m.assets = parse_asset_list(doc, limits);
    return m;
  });
}

}  // namespace

StreamedZip project_zip(const Project& project, const std::vector<Version>* history,
                        std::vector<ExportedAsset> assets, StreamedZip::Options options) {
  // Everything but the assets is laid out first, so the manifest (which lists it) can lead.
  StreamedZip content(options);
  std::vector<std::string> files = add_content(content, "", project.design, project.code);
  nlohmann::json manifest = {{"format", kArchiveFormat},
                             {"formatVersion", kArchiveFormatVersion},
                             {"projectId", project.id},
                             {"title", project.title},
                             {"description", project.description},
                             {"tags", project.tags},
                             {"isPublic", project.is_public},
                             {"isTemplate", project.is_template},
                             {"exportedAt", rfc3339(now_ms())},
                             {"framework", framework_of(project.code)},
                             {"files", files}};
  if (history) {
    nlohmann::json numbers = nlohmann::json::array();
    for (const Version& v : *history) {
      std::string prefix = std::string(kVersionsDir) + std::to_string(v.number) + "/";
      nlohmann::json about = {{"number", v.number},
                              {"label", v.label},
                              {"createdBy", v.created_by},
                              {"createdAt", rfc3339(v.created_at)},
                              {"framework", framework_of(v.code)}};
      about["files"] = add_content(content, prefix, v.design, v.code);
      content.add_deflated(prefix + "version.json", about.dump(2));
      numbers.push_back(v.number);
    }
    manifest["versions"] = numbers;
  }
  std::vector<std::string> asset_paths;
  if (!assets.empty()) {
    nlohmann::json listed = nlohmann::json::array();
    for (size_t i = 0; i < assets.size(); ++i) {
      // The index keeps equal file names apart; stored names are already sanitised.
      std::string path = kAssetsDir + std::to_string(i + 1) + "-" + assets[i].filename;
      listed.push_back({{"path", path},
                        {"filename", assets[i].filename},
                        {"contentType", assets[i].content_type}});
      asset_paths.push_back(std::move(path));
    }
    manifest["assets"] = listed;
  }
  StreamedZip zip(options);
  zip.add_deflated(kManifest, manifest.dump(2));
  zip.append(std::move(content));
  for (size_t i = 0; i < assets.size(); ++i) {
    zip.add_stored(std::move(asset_paths[i]), assets[i].size, std::move(assets[i].write));
  }
  return zip;
}

struct ProjectArchiveReader::Archive {
  ZipPtr zip;
  std::map<std::string, Entry> entries;
};

ProjectArchiveReader::ProjectArchiveReader(FILE* file, const ImportLimits& limits)
    : limits_(limits) {
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* source = zip_source_filep_create(file, 0, -1, &error);
  zip_error_fini(&error);
  if (!source) {
    fclose(file);
    throw std::runtime_error("cannot read the staged archive");
  }
  open(source);  // owns the source (and the file) from here on
}

ProjectArchiveReader::ProjectArchiveReader(std::string_view bytes, const ImportLimits& limits)
    : limits_(limits) {
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* source = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &error);
  zip_error_fini(&error);
  if (!source) throw std::runtime_error("cannot read the archive");
  open(source);
}

ProjectArchiveReader::~ProjectArchiveReader() = default;

void ProjectArchiveReader::open(zip_source_t* raw_source) {
  SourcePtr source(raw_source);
  zip_stat_t whole;
  zip_stat_init(&whole);
  if (zip_source_stat(source.get(), &whole) == 0 && (whole.valid & ZIP_STAT_SIZE)) {
    if (whole.size == 0) {
      throw ApiError(400, "invalid_archive", "The body is empty; send a ZIP archive.");
    }
    if (whole.size > limits_.max_archive_bytes) {
      throw too_large(
          "The archive is larger than " + std::to_string(limits_.max_archive_bytes) + " bytes.", "",
          "archive_size", limits_.max_archive_bytes);
    }
  }
  zip_error_t error;
  zip_error_init(&error);
  ZipPtr zip(zip_open_from_source(source.get(), ZIP_RDONLY, &error));
  std::string why = zip_error_strerror(&error);
  zip_error_fini(&error);
  if (!zip) {
    throw ApiError(400, "invalid_archive", "The body is not a readable ZIP archive: " + why + ".");
  }
  source.release();  // the archive owns it now
  archive_ = std::make_unique<Archive>();
  archive_->zip = std::move(zip);
  read_project();
}

void ProjectArchiveReader::read_project() {
  zip_t* zip = archive_->zip.get();
  std::map<std::string, Entry>& entries = archive_->entries;
  const ImportLimits& limits = limits_;
  zip_int64_t count = zip_get_num_entries(zip, 0);
  if (count < 0) throw ApiError(400, "invalid_archive", "The archive is corrupt.");
  if (static_cast<size_t>(count) > limits.max_entries) {
    throw too_large("The archive has " + std::to_string(count) + " entries; at most " +
                        std::to_string(limits.max_entries) + " are allowed.",
                    "", "entry_count", limits.max_entries);
  }

  // Every entry is checked before any is read, so a bad one anywhere refuses the whole archive.
  for (zip_int64_t i = 0; i < count; ++i) {
    auto index = static_cast<zip_uint64_t>(i);
    const char* raw = zip_get_name(zip, index, ZIP_FL_ENC_RAW);
    if (!raw) throw ApiError(400, "invalid_archive", "The archive is corrupt.");
    std::string name = raw;
    check_name(name, limits);
    check_type(zip, index, name);
    zip_stat_t stat;
    if (zip_stat_index(zip, index, ZIP_FL_ENC_RAW, &stat) != 0) {
      throw entry_error(400, "invalid_archive", "The archive is corrupt.", name);
    }
    if ((stat.valid & ZIP_STAT_ENCRYPTION_METHOD) && stat.encryption_method != ZIP_EM_NONE) {
      throw unsafe_entry(name, "is encrypted.");
    }
    if ((stat.valid & ZIP_STAT_COMP_METHOD) && stat.comp_method != ZIP_CM_STORE &&
        stat.comp_method != ZIP_CM_DEFLATE) {
      throw unsafe_entry(name, "uses a compression method other than store or deflate.");
    }
    if (!entries.emplace(name, Entry{index, stat.comp_size, stat.size}).second) {
      throw unsafe_entry(name, "appears twice in the archive.");
    }
  }

  auto manifest_entry = entries.find(kManifest);
  if (manifest_entry == entries.end()) {
    throw invalid_project(kManifest, "is missing; this is not an Open Design project archive.");
  }
  size_t total = 0;
  Manifest manifest =
      parse_manifest(read_entry(zip, kManifest, manifest_entry->second,
                                std::min(kMaxManifestBytes, limits.max_entry_bytes), limits, total),
                     limits);
  project_ = std::move(manifest.project);
  ImportedProject& project = project_;
  std::string framework = project.code["framework"];

  // The manifest lists the files; each must be design.json or a code file of the framework,
  // present once; every other entry must be history, which import does not read.
  std::set<std::string> listed;
  for (const auto& path : manifest.files) {
    std::string field;
    for (const char* candidate : {"html", "css", "js"}) {
      if (code_path(framework, candidate) == path) field = candidate;
    }
    if (path != kDesign && field.empty()) {
      throw invalid_project(
          kManifest, "lists '" + path + "', which is not a file of a " + framework + " project.");
    }
    if (!listed.insert(path).second)
      throw invalid_project(kManifest, "lists '" + path + "' twice.");
    auto entry = entries.find(path);
    if (entry == entries.end()) throw invalid_project(path, "is listed but missing.");
    std::string text = read_entry(zip, path, entry->second, limits.max_entry_bytes, limits, total);
    if (path == kDesign) {
      project.design =
          within_entry(path, [&] { return ji::parse_object(text, limits.max_json_depth); });
    } else {
      if (!valid_utf8(text)) throw invalid_project(path, "is not valid UTF-8 text.");
      project.code[field] = std::move(text);
    }
  }
  if (!listed.count(kDesign)) {
    throw invalid_project(kDesign, "is required and must be listed in manifest.json.");
  }
  for (auto& asset : manifest.assets) {
    if (!listed.insert(asset.path).second) {
      throw invalid_project(kManifest, "lists '" + asset.path + "' twice.");
    }
    auto entry = entries.find(asset.path);
    if (entry == entries.end()) throw invalid_project(asset.path, "is listed but missing.");
    asset.declared_size = entry->second.declared;
    if (asset.declared_size > limits.max_asset_bytes) {
      throw too_large("Archive entry '" + asset.path + "' is larger than " +
                          std::to_string(limits.max_asset_bytes) + " bytes.",
                      asset.path, "entry_size", limits.max_asset_bytes);
    }
    project.assets.push_back(std::move(asset));
  }
  for (const auto& [name, entry] : entries) {
    if (name != kManifest && !listed.count(name) && name.rfind(kVersionsDir, 0) != 0) {
      throw invalid_project(name, "is not listed in manifest.json.");
    }
  }
}

std::function<size_t(char*, size_t)> ProjectArchiveReader::asset_reader(size_t index) {
  const ArchivedAsset& asset = project_.assets.at(index);
  auto reader = std::make_shared<EntryReader>(archive_->zip.get(), asset.path,
                                              archive_->entries.at(asset.path),
                                              limits_.max_asset_bytes, limits_);
  return [reader](char* out, size_t max) { return reader->read(out, max); };
}

std::string archive_file_name(const Project& project) {
  std::string slug;
  for (unsigned char c : project.title) {
    if (slug.size() >= 60) break;
    if (std::isalnum(c) && c < 0x80) {
      slug.push_back(static_cast<char>(std::tolower(c)));
    } else if (!slug.empty() && slug.back() != '-') {
      slug.push_back('-');
    }
  }
  while (!slug.empty() && slug.back() == '-') slug.pop_back();
  return (slug.empty() ? "project" : slug) + ".zip";
}

std::string zip_entries(const std::vector<std::pair<std::string, std::string>>& entries) {
  StreamedZip zip;
  for (const auto& [path, content] : entries) zip.add_deflated(path, content);
  std::ostringstream out;
  zip.write(out);
  return std::move(out).str();
}

}  // namespace od::projects
