#include "projects/archive.h"

#include <sys/stat.h>
#include <zip.h>

#include <algorithm>
#include <cctype>
#include <deque>
#include <map>
#include <memory>
#include <set>
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
constexpr size_t kMaxManifestBytes = 64 * 1024;
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

// Builds a ZIP in memory. Entry contents are kept alive here until the archive is written,
// because libzip reads buffer sources only when it closes the archive.
class ZipWriter {
 public:
  ZipWriter() {
    zip_error_t error;
    zip_error_init(&error);
    source_.reset(zip_source_buffer_create(nullptr, 0, 0, &error));
    if (!source_) throw std::runtime_error("cannot create a ZIP buffer");
    zip_t* zip = zip_open_from_source(source_.get(), ZIP_TRUNCATE, &error);
    zip_error_fini(&error);
    if (!zip) throw std::runtime_error("cannot start a ZIP archive");
    // The archive now holds the source; keep our own reference to read the result after close.
    zip_source_keep(source_.get());
    zip_.reset(zip);
  }

  void add(const std::string& name, std::string content) {
    const std::string& kept = contents_.emplace_back(std::move(content));
    zip_source_t* source = zip_source_buffer(zip_.get(), kept.data(), kept.size(), 0);
    if (!source || zip_file_add(zip_.get(), name.c_str(), source, ZIP_FL_ENC_UTF_8) < 0) {
      if (source) zip_source_free(source);
      throw std::runtime_error("cannot add " + name +
                               " to the archive: " + zip_strerror(zip_.get()));
    }
  }

  std::string finish() {
    if (zip_close(zip_.get()) < 0) {
      throw std::runtime_error(std::string("cannot write the archive: ") +
                               zip_strerror(zip_.get()));
    }
    zip_.release();  // zip_close freed it
    zip_source_t* source = source_.get();
    if (zip_source_open(source) < 0) throw std::runtime_error("cannot read the archive back");
    std::string bytes;
    zip_source_seek(source, 0, SEEK_END);
    zip_int64_t size = zip_source_tell(source);
    zip_source_seek(source, 0, SEEK_SET);
    if (size > 0) {
      bytes.resize(static_cast<size_t>(size));
      if (zip_source_read(source, bytes.data(), size) != size) bytes.clear();
    }
    zip_source_close(source);
    if (bytes.empty()) throw std::runtime_error("cannot read the archive back");
    return bytes;
  }

 private:
  SourcePtr source_;  // declared first: outlives the archive that reads from it
  ZipPtr zip_;
  std::deque<std::string> contents_;
};

std::string framework_of(const nlohmann::json& code) {
  std::string framework = code.is_object() ? code.value("framework", "plain") : "plain";
  return framework == "react" || framework == "vue" ? framework : "plain";
}

// Adds design.json and the code files of one state (the project or a version) under `prefix`;
// returns the paths written.
std::vector<std::string> add_content(ZipWriter& zip, const std::string& prefix,
                                     const nlohmann::json& design, const nlohmann::json& code) {
  std::vector<std::string> paths = {kDesign};
  zip.add(prefix + kDesign, design.dump());
  std::string framework = framework_of(code);
  for (const CodeFile& file : kCodeFiles) {
    if (framework != file.framework) continue;
    auto text = code.find(file.field);
    if (text == code.end() || !text->is_string()) continue;
    zip.add(prefix + file.path, text->get<std::string>());
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

// Inflates one entry, counting what actually comes out: the sizes in the archive are the
// uploader's claims, so every cap is enforced on the real bytes and reading stops at the cap.
std::string read_entry(zip_t* zip, const std::string& name, const Entry& entry, size_t cap,
                       const ImportLimits& limits, size_t& total) {
  auto check = [&](zip_uint64_t size) {
    if (size > limits.ratio_floor_bytes &&
        size / std::max<zip_uint64_t>(entry.compressed, 1) > limits.max_ratio) {
      throw too_large("Archive entry '" + name + "' is compressed more than " +
                          std::to_string(limits.max_ratio) + ":1, like a ZIP bomb.",
                      name, "compression_ratio", limits.max_ratio);
    }
    if (size > cap) {
      throw too_large(
          "Archive entry '" + name + "' is larger than " + std::to_string(cap) + " bytes.", name,
          "entry_size", cap);
    }
  };
  // An honest bomb is refused by the sizes it declares, before anything is inflated.
  check(entry.declared);
  FilePtr file(zip_fopen_index(zip, entry.index, 0));
  if (!file) {
    throw entry_error(400, "invalid_archive",
                      "Archive entry '" + name + "' cannot be read: " + zip_strerror(zip), name);
  }
  std::string out;
  char buffer[kReadChunk];
  for (;;) {
    zip_int64_t got = zip_fread(file.get(), buffer, sizeof buffer);
    if (got < 0) {
      throw entry_error(400, "invalid_archive",
                        "Archive entry '" + name +
                            "' is corrupt: " + zip_error_strerror(zip_file_get_error(file.get())),
                        name);
    }
    if (got == 0) break;
    out.append(buffer, static_cast<size_t>(got));
    check(out.size());
    total += static_cast<size_t>(got);
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

struct AssetEntry {
  std::string path, filename, content_type;
};

struct Manifest {
  ImportedProject project;
  std::vector<std::string> files;
  std::vector<AssetEntry> assets;
};

std::vector<AssetEntry> parse_asset_list(const nlohmann::json& doc, const ImportLimits& limits) {
  std::vector<AssetEntry> out;
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
    AssetEntry entry;
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

std::string export_project_zip(const Project& project, const std::vector<Version>* history,
                               const std::vector<ArchivedAsset>& assets) {
  ZipWriter zip;
  std::vector<std::string> files = add_content(zip, "", project.design, project.code);
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
      about["files"] = add_content(zip, prefix, v.design, v.code);
      zip.add(prefix + "version.json", about.dump(2));
      numbers.push_back(v.number);
    }
    manifest["versions"] = numbers;
  }
  if (!assets.empty()) {
    nlohmann::json listed = nlohmann::json::array();
    for (size_t i = 0; i < assets.size(); ++i) {
      // The index keeps equal file names apart; stored names are already sanitised.
      std::string path = kAssetsDir + std::to_string(i + 1) + "-" + assets[i].filename;
      zip.add(path, assets[i].bytes);
      listed.push_back({{"path", path},
                        {"filename", assets[i].filename},
                        {"contentType", assets[i].content_type}});
    }
    manifest["assets"] = listed;
  }
  zip.add(kManifest, manifest.dump(2));
  return zip.finish();
}

ImportedProject parse_project_zip(std::string_view bytes, const ImportLimits& limits) {
  if (bytes.size() > limits.max_archive_bytes) {
    throw too_large(
        "The archive is larger than " + std::to_string(limits.max_archive_bytes) + " bytes.", "",
        "archive_size", limits.max_archive_bytes);
  }
  if (bytes.empty())
    throw ApiError(400, "invalid_archive", "The body is empty; send a ZIP archive.");
  zip_error_t error;
  zip_error_init(&error);
  SourcePtr source(zip_source_buffer_create(bytes.data(), bytes.size(), 0, &error));
  ZipPtr zip(source ? zip_open_from_source(source.get(), ZIP_RDONLY, &error) : nullptr);
  std::string why = zip_error_strerror(&error);
  zip_error_fini(&error);
  if (!zip) {
    throw ApiError(400, "invalid_archive", "The body is not a readable ZIP archive: " + why + ".");
  }
  source.release();  // the archive owns it now

  zip_int64_t count = zip_get_num_entries(zip.get(), 0);
  if (count < 0) throw ApiError(400, "invalid_archive", "The archive is corrupt.");
  if (static_cast<size_t>(count) > limits.max_entries) {
    throw too_large("The archive has " + std::to_string(count) + " entries; at most " +
                        std::to_string(limits.max_entries) + " are allowed.",
                    "", "entry_count", limits.max_entries);
  }

  // Every entry is checked before any is read, so a bad one anywhere refuses the whole archive.
  std::map<std::string, Entry> entries;
  for (zip_int64_t i = 0; i < count; ++i) {
    auto index = static_cast<zip_uint64_t>(i);
    const char* raw = zip_get_name(zip.get(), index, ZIP_FL_ENC_RAW);
    if (!raw) throw ApiError(400, "invalid_archive", "The archive is corrupt.");
    std::string name = raw;
    check_name(name, limits);
    check_type(zip.get(), index, name);
    zip_stat_t stat;
    if (zip_stat_index(zip.get(), index, ZIP_FL_ENC_RAW, &stat) != 0) {
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
      parse_manifest(read_entry(zip.get(), kManifest, manifest_entry->second,
                                std::min(kMaxManifestBytes, limits.max_entry_bytes), limits, total),
                     limits);
  ImportedProject& project = manifest.project;
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
    std::string text =
        read_entry(zip.get(), path, entry->second, limits.max_entry_bytes, limits, total);
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
  for (const auto& asset : manifest.assets) {
    if (!listed.insert(asset.path).second) {
      throw invalid_project(kManifest, "lists '" + asset.path + "' twice.");
    }
    auto entry = entries.find(asset.path);
    if (entry == entries.end()) throw invalid_project(asset.path, "is listed but missing.");
    project.assets.push_back(
        {asset.filename, asset.content_type,
         read_entry(zip.get(), asset.path, entry->second, limits.max_entry_bytes, limits, total)});
  }
  for (const auto& [name, entry] : entries) {
    if (name != kManifest && !listed.count(name) && name.rfind(kVersionsDir, 0) != 0) {
      throw invalid_project(name, "is not listed in manifest.json.");
    }
  }
  return project;
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
  ZipWriter zip;
  for (const auto& [path, content] : entries) zip.add(path, content);
  return zip.finish();
}

}  // namespace od::projects
