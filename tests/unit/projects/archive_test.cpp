// Project archives: export then import gives the project back, and hostile uploads (zip-slip
// names, bombs, duplicates, symlinks, broken JSON, broken ZIPs) are refused with the right error.
#include "projects/archive.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <zip.h>

#include <deque>
#include <memory>
#include <random>
#include <sstream>
#include <tuple>

#include "core/error.h"

namespace od::projects {
namespace {

// Builds test archives with libzip, including ones a well-behaved writer would never make.
class ZipBuilder {
 public:
  ZipBuilder() {
    zip_error_t error;
    zip_error_init(&error);
    source_ = zip_source_buffer_create(nullptr, 0, 0, &error);
    zip_ = zip_open_from_source(source_, ZIP_TRUNCATE, &error);
    zip_error_fini(&error);
    zip_source_keep(source_);
  }
  ~ZipBuilder() {
    if (zip_) zip_discard(zip_);
    zip_source_free(source_);
  }

  zip_int64_t add(const std::string& name, std::string content,
                  zip_flags_t flags = ZIP_FL_ENC_UTF_8) {
    const std::string& kept = contents_.emplace_back(std::move(content));
    zip_source_t* source = zip_source_buffer(zip_, kept.data(), kept.size(), 0);
    zip_int64_t index = zip_file_add(zip_, name.c_str(), source, flags);
    EXPECT_GE(index, 0) << name << ": " << zip_strerror(zip_);
    return index;
  }
  void add_directory(const std::string& name) { EXPECT_GE(zip_dir_add(zip_, name.c_str(), 0), 0); }
  void set_unix_mode(zip_int64_t index, mode_t mode) {
    zip_file_set_external_attributes(zip_, index, 0, ZIP_OPSYS_UNIX, mode << 16);
  }
  // A minimal valid project next to whatever the test adds.
  void add_valid_project(const std::string& design = R"({"root":{"type":"frame"}})") {
    add("manifest.json", manifest().dump());
    add("design.json", design);
  }
  static nlohmann::json manifest() {
    return {{"format", "opendesign-project"},
            {"formatVersion", 1},
            {"title", "Hostile"},
            {"framework", "plain"},
            {"files", {"design.json"}}};
  }

  std::string bytes() {
    EXPECT_EQ(zip_close(zip_), 0);
    zip_ = nullptr;
    zip_source_open(source_);
    zip_source_seek(source_, 0, SEEK_END);
    zip_int64_t size = zip_source_tell(source_);
    zip_source_seek(source_, 0, SEEK_SET);
    std::string out(static_cast<size_t>(size), '\0');
    zip_source_read(source_, out.data(), size);
    zip_source_close(source_);
    return out;
  }

 private:
  zip_source_t* source_ = nullptr;
  zip_t* zip_ = nullptr;
  std::deque<std::string> contents_;
};

// Replaces every occurrence of `from` with `to` (same length) in raw archive bytes: ZIP stores a
// name in the local header and in the central directory, and no checksum covers either.
std::string patch(std::string bytes, const std::string& from, const std::string& to) {
  EXPECT_EQ(from.size(), to.size());
  for (size_t at = bytes.find(from); at != std::string::npos; at = bytes.find(from, at)) {
    bytes.replace(at, from.size(), to);
  }
  return bytes;
}

void put_u32(std::string& bytes, size_t at, uint32_t value) {
  for (int i = 0; i < 4; ++i) bytes[at + i] = static_cast<char>((value >> (8 * i)) & 0xFF);
}

// Rewrites the declared uncompressed size of every entry, or only of the entry `only` (local
// headers and central directory).
std::string lie_about_sizes(std::string bytes, uint32_t declared, const std::string& only = "") {
  auto named = [&](size_t name_at) {
    return only.empty() || bytes.compare(name_at, only.size(), only) == 0;
  };
  for (size_t at = bytes.find("PK\x03\x04"); at != std::string::npos;
       at = bytes.find("PK\x03\x04", at + 4)) {
    if (named(at + 30)) put_u32(bytes, at + 22, declared);
  }
  for (size_t at = bytes.find("PK\x01\x02"); at != std::string::npos;
       at = bytes.find("PK\x01\x02", at + 4)) {
    if (named(at + 46)) put_u32(bytes, at + 24, declared);
  }
  return bytes;
}

ImportedProject parse(const std::string& bytes, const ImportLimits& limits = {}) {
  return ProjectArchiveReader(bytes, limits).project();
}

// The archive export streams, written whole into memory.
std::string exported(const Project& project, const std::vector<Version>* history,
                     std::vector<ExportedAsset> assets = {}) {
  std::ostringstream out;
  StreamedZip zip = project_zip(project, history, std::move(assets));
  EXPECT_TRUE(zip.write(out));
  EXPECT_EQ(out.str().size(), zip.size());
  return std::move(out).str();
}

ExportedAsset asset_of(const std::string& filename, const std::string& type, std::string bytes) {
  uint64_t size = bytes.size();
  return {filename, type, size, [bytes = std::move(bytes)](std::ostream& out) { out << bytes; }};
}

std::string noise_text(size_t size) {
  std::mt19937 random(11);
  std::string out;
  for (size_t i = 0; i < size; ++i) out.push_back(static_cast<char>('a' + random() % 26));
  return out;
}

// Everything asset_reader() yields for asset `index`.
std::string read_asset(ProjectArchiveReader& reader, size_t index) {
  auto read = reader.asset_reader(index);
  std::string out;
  char buffer[1000];
  while (size_t got = read(buffer, sizeof buffer)) out.append(buffer, got);
  return out;
}

// Parses and expects an ApiError; returns it for further checks.
ApiError refused(const std::string& bytes, int status, const std::string& code,
                 const ImportLimits& limits = {}) {
  try {
    ProjectArchiveReader reader(bytes, limits);
  } catch (const ApiError& e) {
    EXPECT_EQ(e.status(), status) << e.what();
    EXPECT_EQ(e.code(), code) << e.what();
    return e;
  }
  ADD_FAILURE() << "the archive was accepted";
  return ApiError(0, "", "");
}

std::string entry_of(const ApiError& e) { return e.details().value("entry", ""); }
std::string reason_of(const ApiError& e) { return e.details().value("reason", ""); }

Project sample(const std::string& framework) {
  Project p;
  p.id = "0190aaaa-bbbb-7ccc-8ddd-eeeeeeeeeeee";
  p.title = "Landing page: Ünïcode & more!";
  p.description = "A test project";
  p.tags = {"web", "landing"};
  p.is_public = true;
  p.is_template = true;
  p.design = {{"version", 1},
              {"root", {{"type", "frame"}, {"children", {{{"type", "text"}, {"text", "Hi ✓"}}}}}}};
  p.code = {{"html", "<h1>Hi</h1>"},
            {"css", "h1 { color: red }"},
            {"js", "console.log(1)"},
            {"framework", framework}};
  return p;
}

std::vector<std::string> names_in(const std::string& bytes) {
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* source = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &error);
  zip_t* zip = zip_open_from_source(source, ZIP_RDONLY, &error);
  std::vector<std::string> names;
  for (zip_int64_t i = 0; zip && i < zip_get_num_entries(zip, 0); ++i) {
    names.push_back(zip_get_name(zip, i, 0));
  }
  if (zip) zip_discard(zip);
  zip_error_fini(&error);
  return names;
}

TEST(ProjectArchive, RoundTripsEveryFramework) {
  for (const char* framework : {"plain", "react", "vue"}) {
    SCOPED_TRACE(framework);
    Project p = sample(framework);
    ImportedProject back = parse(exported(p, nullptr), {});
    EXPECT_EQ(back.source_id, p.id);
    EXPECT_EQ(back.title, p.title);
    EXPECT_EQ(back.description, p.description);
    EXPECT_EQ(back.tags, p.tags);
    EXPECT_EQ(back.is_public, p.is_public);
    EXPECT_EQ(back.is_template, p.is_template);
    EXPECT_EQ(back.design, p.design);
    EXPECT_EQ(back.code, p.code);
  }
}

TEST(ProjectArchive, NamesCodeFilesByFrameworkAndOmitsAbsentOnes) {
  Project p = sample("react");
  p.code.erase("js");
  auto names = names_in(exported(p, nullptr));
  EXPECT_NE(std::find(names.begin(), names.end(), "src/App.css"), names.end());
  EXPECT_NE(std::find(names.begin(), names.end(), "index.html"), names.end());
  EXPECT_EQ(std::find(names.begin(), names.end(), "src/App.jsx"), names.end());
  EXPECT_EQ(parse(exported(p, nullptr), {}).code, p.code);
}

TEST(ProjectArchive, HistoryGoesUnderVersionsAndImportStillReadsTheCurrentState) {
  Project p = sample("plain");
  Version v1{"v1", p.id, 1, "created", {{"old", true}}, {{"html", "<p>old</p>"}}, "u", 1000};
  Version v2{"v2", p.id, 2, "", p.design, p.code, "u", 2000};
  std::vector<Version> history = {v1, v2};
  std::string bytes = exported(p, &history);
  auto names = names_in(bytes);
  for (const char* name : {"versions/1/version.json", "versions/1/design.json",
                           "versions/1/index.html", "versions/2/script.js"}) {
    EXPECT_NE(std::find(names.begin(), names.end(), name), names.end()) << name;
  }
  ImportedProject back = parse(bytes, {});
  EXPECT_EQ(back.design, p.design);
  EXPECT_EQ(back.code, p.code);
}

TEST(ProjectArchive, FileNameIsASafeSlug) {
  Project p = sample("plain");
  EXPECT_EQ(archive_file_name(p), "landing-page-n-code-more.zip");
  p.title = "\"; rm -rf / ..";
  EXPECT_EQ(archive_file_name(p), "rm-rf.zip");
  p.title = "日本語";
  EXPECT_EQ(archive_file_name(p), "project.zip");
}

TEST(ProjectArchive, RefusesZipSlipAndOddNames) {
  for (const std::string name :
       {"../x", "/etc/x", "a\\..\\b", "C:/x", "a/../../b", "a//b", "./design.json"}) {
    SCOPED_TRACE(name);
    ZipBuilder zip;
    zip.add_valid_project();
    zip.add(name, "evil");
    ApiError e = refused(zip.bytes(), 422, "unsafe_archive_entry");
    EXPECT_EQ(entry_of(e), name);
  }
  // libzip will not write a control character in a name; other tools will.
  ZipBuilder zip;
  zip.add_valid_project();
  zip.add("x_y", "evil");
  std::string bytes = patch(zip.bytes(), "x_y", "x\ny");
  EXPECT_EQ(entry_of(refused(bytes, 422, "unsafe_archive_entry")), "x\ny");
}

TEST(ProjectArchive, RefusesNamesThatAreNotUtf8) {
  ZipBuilder zip;
  zip.add_valid_project();
  zip.add("caf\xe9.txt", "latin-1 name", ZIP_FL_ENC_CP437);
  EXPECT_EQ(entry_of(refused(zip.bytes(), 422, "unsafe_archive_entry")), "caf\xe9.txt");
}

TEST(ProjectArchive, RefusesDirectoriesAndSymlinks) {
  {
    ZipBuilder zip;
    zip.add_valid_project();
    zip.add_directory("src");
    EXPECT_EQ(entry_of(refused(zip.bytes(), 422, "unsafe_archive_entry")), "src/");
  }
  {
    ZipBuilder zip;
    zip.add_valid_project();
    zip.set_unix_mode(zip.add("script.js", "/etc/passwd"), S_IFLNK | 0777);
    EXPECT_EQ(entry_of(refused(zip.bytes(), 422, "unsafe_archive_entry")), "script.js");
  }
  {
    // A directory bit on a name without a trailing slash is still a directory.
    ZipBuilder zip;
    zip.add_valid_project();
    zip.set_unix_mode(zip.add("assets", ""), S_IFDIR | 0755);
    EXPECT_EQ(entry_of(refused(zip.bytes(), 422, "unsafe_archive_entry")), "assets");
  }
}

TEST(ProjectArchive, RefusesDuplicateNames) {
  ZipBuilder zip;
  zip.add_valid_project();
  zip.add("design.jsoX", R"({"other":true})");
  std::string bytes = patch(zip.bytes(), "design.jsoX", "design.json");
  EXPECT_EQ(entry_of(refused(bytes, 422, "unsafe_archive_entry")), "design.json");
}

// The limit counts every entry; two are the project's manifest and design.
TEST(ProjectArchive, RefusesTooManyEntries) {
  ZipBuilder zip;
  zip.add_valid_project();
  const size_t limit = ImportLimits{}.max_entries;
  for (size_t i = 0; i < limit - 1; ++i) zip.add("versions/" + std::to_string(i) + "/x", "x");
  EXPECT_EQ(reason_of(refused(zip.bytes(), 413, "archive_too_large")), "entry_count");
}

TEST(ProjectArchive, AcceptsExactlyTheEntryLimit) {
  ZipBuilder zip;
  zip.add_valid_project();
  const size_t limit = ImportLimits{}.max_entries;
  for (size_t i = 0; i < limit - 2; ++i) zip.add("versions/" + std::to_string(i) + "/x", "x");
  EXPECT_NO_THROW(parse(zip.bytes(), {}));
}

TEST(ProjectArchive, RefusesAZipBombByItsCompressionRatio) {
  // 50 MB of zeros deflates to about 50 KB; it is refused once about 1 MiB has been inflated.
  ZipBuilder zip;
  zip.add_valid_project(std::string(50'000'000, '\0'));
  std::string bytes = zip.bytes();
  ASSERT_LT(bytes.size(), 200'000u);
  ApiError e = refused(bytes, 413, "archive_too_large");
  EXPECT_EQ(reason_of(e), "compression_ratio");
  EXPECT_EQ(entry_of(e), "design.json");
}

TEST(ProjectArchive, CapsInflatedEntriesWhateverTheyDeclare) {
  ZipBuilder zip;
  zip.add_valid_project(std::string(50'000'000, '\0'));
  // The archive claims design.json is 100 bytes; only the bytes actually inflated count.
  std::string lying = lie_about_sizes(zip.bytes(), 100);
  ImportLimits no_ratio;
  no_ratio.max_ratio = SIZE_MAX;
  ApiError e = refused(lying, 413, "archive_too_large", no_ratio);
  EXPECT_EQ(reason_of(e), "entry_size");
  EXPECT_EQ(entry_of(e), "design.json");
}

TEST(ProjectArchive, CapsTheTotalInflatedSize) {
  std::mt19937 random(7);
  std::string noise;
  for (int i = 0; i < 3000; ++i) noise.push_back(static_cast<char>('a' + random() % 26));
  ZipBuilder zip;
  auto manifest = ZipBuilder::manifest();
  manifest["files"] = {"design.json", "index.html", "styles.css"};
  zip.add("manifest.json", manifest.dump());
  zip.add("design.json", "{}");
  zip.add("index.html", noise);
  zip.add("styles.css", noise);
  ImportLimits limits;
  limits.max_entry_bytes = 4000;
  limits.max_total_bytes = 5000;
  EXPECT_EQ(reason_of(refused(zip.bytes(), 413, "archive_too_large", limits)), "total_size");
}

TEST(ProjectArchive, RefusesAnArchiveOverTheUploadLimit) {
  ZipBuilder zip;
  zip.add_valid_project();
  ImportLimits limits;
  limits.max_archive_bytes = 100;
  EXPECT_EQ(reason_of(refused(zip.bytes(), 413, "archive_too_large", limits)), "archive_size");
}

TEST(ProjectArchive, RequiresAValidManifest) {
  {
    ZipBuilder zip;
    zip.add("design.json", "{}");
    EXPECT_EQ(entry_of(refused(zip.bytes(), 422, "invalid_project_archive")), "manifest.json");
  }
  for (auto change : std::vector<std::pair<std::string, nlohmann::json>>{
           {"format", "something-else"},
           {"formatVersion", 2},
           {"title", ""},
           {"framework", "svelte"},
           {"tags", {1, 2}},
           {"files", {"design.json", "../etc/passwd"}},
           {"files", {"design.json", "design.json"}},
           {"files", nlohmann::json::array()}}) {
    SCOPED_TRACE(change.first + "=" + change.second.dump());
    ZipBuilder zip;
    auto manifest = ZipBuilder::manifest();
    manifest[change.first] = change.second;
    zip.add("manifest.json", manifest.dump());
    zip.add("design.json", "{}");
    ApiError e = refused(zip.bytes(), 422, "invalid_project_archive");
    EXPECT_FALSE(entry_of(e).empty());
  }
  ZipBuilder zip;
  zip.add("manifest.json", "not json");
  zip.add("design.json", "{}");
  EXPECT_EQ(entry_of(refused(zip.bytes(), 422, "invalid_project_archive")), "manifest.json");
}

TEST(ProjectArchive, RefusesMalformedOrDeepDesignJson) {
  for (const std::string& design :
       {std::string("{\"root\": "), std::string("[1, 2]"), std::string("{\"s\": \"\xff\"}"),
        "{\"a\":" + std::string(200, '[') + std::string(200, ']') + "}"}) {
    ZipBuilder zip;
    zip.add_valid_project(design);
    EXPECT_EQ(entry_of(refused(zip.bytes(), 422, "invalid_project_archive")), "design.json");
  }
}

TEST(ProjectArchive, RefusesListedFilesThatAreMissingAndFilesNotListed) {
  {
    ZipBuilder zip;
    auto manifest = ZipBuilder::manifest();
    manifest["files"] = {"design.json", "index.html"};
    zip.add("manifest.json", manifest.dump());
    zip.add("design.json", "{}");
    EXPECT_EQ(entry_of(refused(zip.bytes(), 422, "invalid_project_archive")), "index.html");
  }
  {
    ZipBuilder zip;
    zip.add_valid_project();
    zip.add("notes.txt", "hello");
    EXPECT_EQ(entry_of(refused(zip.bytes(), 422, "invalid_project_archive")), "notes.txt");
  }
}

TEST(ProjectArchive, RefusesCodeThatIsNotUtf8) {
  ZipBuilder zip;
  auto manifest = ZipBuilder::manifest();
  manifest["files"] = {"design.json", "script.js"};
  zip.add("manifest.json", manifest.dump());
  zip.add("design.json", "{}");
  zip.add("script.js", "alert('\xc3\x28')");
  EXPECT_EQ(entry_of(refused(zip.bytes(), 422, "invalid_project_archive")), "script.js");
}

TEST(ProjectArchive, RefusesBytesThatAreNotAZip) {
  refused("", 400, "invalid_archive");
  refused(std::string("PK\x05\x06") + std::string(18, '\0'), 422, "invalid_project_archive");
  refused("this is not a zip file at all", 400, "invalid_archive");
  refused(std::string("PK\x03\x04") + std::string(100, 'x'), 400, "invalid_archive");
}

TEST(ProjectArchive, RefusesATruncatedOrCorruptedZip) {
  std::string bytes = exported(sample("plain"), nullptr);
  refused(bytes.substr(0, bytes.size() / 2), 400, "invalid_archive");
  refused(bytes.substr(0, bytes.size() - 10), 400, "invalid_archive");
  // Same structure, damaged data: the checksum catches it while inflating.
  ZipBuilder zip;
  zip.add_valid_project(R"({"root":{"type":"frame","name":"a distinctive string"}})");
  std::string damaged = zip.bytes();
  size_t at = damaged.find("PK\x03\x04", 4);  // the second local header: design.json
  ASSERT_NE(at, std::string::npos);
  auto u16 = [&](size_t i) {
    return static_cast<unsigned char>(damaged[i]) | static_cast<unsigned char>(damaged[i + 1]) << 8;
  };
  size_t data = at + 30 + u16(at + 26) + u16(at + 28);
  damaged[data + 5] ^= 0x55;  // a byte inside its compressed data
  ApiError e = refused(damaged, 400, "invalid_archive");
  EXPECT_EQ(entry_of(e), "design.json");
}

}  // namespace
}  // namespace od::projects

namespace od::projects {
namespace {

TEST(ProjectArchiveAssets, RoundTripAssetsUnderAssetsWithDistinctPaths) {
  std::vector<std::tuple<std::string, std::string, std::string>> assets = {
      {"logo.png", "image/png", std::string("\x89PNG\0x", 6)}, {"logo.png", "video/mp4", "second"}};
  std::vector<ExportedAsset> sources;
  for (const auto& [name, type, bytes] : assets) sources.push_back(asset_of(name, type, bytes));
  std::string zip = exported(sample("plain"), nullptr, std::move(sources));
  auto names = names_in(zip);
  EXPECT_EQ(names.front(), "manifest.json");
  EXPECT_NE(std::find(names.begin(), names.end(), "assets/1-logo.png"), names.end());
  EXPECT_NE(std::find(names.begin(), names.end(), "assets/2-logo.png"), names.end());
  ProjectArchiveReader reader(zip, {});
  const ImportedProject& back = reader.project();
  ASSERT_EQ(back.assets.size(), 2u);
  for (size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(back.assets[i].path, "assets/" + std::to_string(i + 1) + "-logo.png");
    EXPECT_EQ(back.assets[i].filename, std::get<0>(assets[i]));
    EXPECT_EQ(back.assets[i].content_type, std::get<1>(assets[i]));
    EXPECT_EQ(back.assets[i].declared_size, std::get<2>(assets[i]).size());
    EXPECT_EQ(read_asset(reader, i), std::get<2>(assets[i]));
  }
  EXPECT_TRUE(parse(exported(sample("plain"), nullptr), {}).assets.empty());
}

// A project with many assets (more than the first limit of 100) comes back whole.
TEST(ProjectArchiveAssets, ManyAssetsRoundTripWithTheDefaultLimits) {
  std::vector<ExportedAsset> sources;
  for (int i = 0; i < 1500; ++i) {
    sources.push_back(asset_of("a" + std::to_string(i) + ".png", "image/png", std::to_string(i)));
  }
  ProjectArchiveReader reader(exported(sample("plain"), nullptr, std::move(sources)), {});
  ASSERT_EQ(reader.project().assets.size(), 1500u);
  EXPECT_EQ(read_asset(reader, 1499), "1499");
}

// Asset entries are read only when they are stored, through asset_reader(): the same checks
// apply there, on the real bytes, as they come.
TEST(ProjectArchiveAssets, AssetReaderRefusesBombsOversizeAndCorruptBytes) {
  auto manifest = ZipBuilder::manifest();
  manifest["assets"] = {
      {{"path", "assets/1-a.png"}, {"filename", "a.png"}, {"contentType", "image/png"}}};
  auto archive = [&](const std::string& bytes) {
    ZipBuilder zip;
    zip.add("manifest.json", manifest.dump());
    zip.add("design.json", "{}");
    zip.add("assets/1-a.png", bytes);
    return zip.bytes();
  };
  auto refused_asset = [](const std::string& zip, int status, const ImportLimits& limits) {
    ProjectArchiveReader reader(zip, limits);  // the entries themselves are fine
    try {
      read_asset(reader, 0);
    } catch (const ApiError& e) {
      EXPECT_EQ(e.status(), status) << e.what();
      EXPECT_EQ(entry_of(e), "assets/1-a.png");
      return e;
    }
    ADD_FAILURE() << "the asset was read";
    return ApiError(0, "", "");
  };
  // 50 MB of zeros, deflated, claiming 100 bytes: the ratio gives it away while inflating.
  std::string bomb = lie_about_sizes(archive(std::string(50'000'000, '\0')), 100, "assets/");
  EXPECT_EQ(reason_of(refused_asset(bomb, 413, {})), "compression_ratio");
  ImportLimits small;
  small.max_asset_bytes = 1000;
  EXPECT_EQ(reason_of(refused_asset(lie_about_sizes(archive(noise_text(5000)), 10, "assets/"), 413,
                                    small)),
            "entry_size");
  // Declared honestly, an oversize asset is refused before anything is created.
  EXPECT_EQ(entry_of(refused(archive(noise_text(5000)), 413, "archive_too_large", small)),
            "assets/1-a.png");
  // Damaged bytes: the checksum catches them once the entry has been read.
  std::string good = archive(noise_text(5000));
  size_t at = good.find("assets/1-a.png");  // the name in the asset's local header
  ASSERT_NE(at, std::string::npos);
  good[at + 14 + 2000] ^= 0x55;  // inside its (noise, barely compressed) data
  refused_asset(good, 400, {});
}

TEST(ProjectArchiveAssets, RefusesUnlistedMissingAndMisplacedAssets) {
  {
    ZipBuilder zip;
    zip.add_valid_project();
    zip.add("assets/1-x.png", "bytes");  // not in the manifest
    EXPECT_EQ(entry_of(refused(zip.bytes(), 422, "invalid_project_archive")), "assets/1-x.png");
  }
  auto with_assets = [](nlohmann::json listed) {
    nlohmann::json manifest = ZipBuilder::manifest();
    manifest["assets"] = std::move(listed);
    return manifest;
  };
  {
    ZipBuilder zip;
    zip.add("manifest.json",
            with_assets(
                {{{"path", "assets/1-x.png"}, {"filename", "x.png"}, {"contentType", "image/png"}}})
                .dump());
    zip.add("design.json", "{}");
    EXPECT_EQ(entry_of(refused(zip.bytes(), 422, "invalid_project_archive")), "assets/1-x.png");
  }
  {
    ZipBuilder zip;
    zip.add(
        "manifest.json",
        with_assets({{{"path", "design.json"}, {"filename", "x"}, {"contentType", "image/png"}}})
            .dump());
    zip.add("design.json", "{}");
    refused(zip.bytes(), 422, "invalid_project_archive");
  }
  {
    ImportLimits limits;
    limits.max_assets = 1;
    std::vector<ExportedAsset> two;
    two.push_back(asset_of("a.png", "image/png", "a"));
    two.push_back(asset_of("b.png", "image/png", "b"));
    std::string zip = exported(sample("plain"), nullptr, std::move(two));
    refused(zip, 422, "invalid_project_archive", limits);
  }
}

}  // namespace
}  // namespace od::projects
