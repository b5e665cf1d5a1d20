#include "app/backup.h"

#include <zip.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>

#include "core/time.h"

namespace od::app {
namespace fs = std::filesystem;
namespace {

constexpr const char* kDatabaseEntry = "opendesign.db";
constexpr zip_uint64_t kMaxEntryBytes = zip_uint64_t{64} << 30;  // refuse absurd entries

struct ZipCloser {
  void operator()(zip_t* z) const { zip_discard(z); }
};
using ZipPtr = std::unique_ptr<zip_t, ZipCloser>;

void add_file(zip_t* zip, const fs::path& source, const std::string& name) {
  zip_source_t* src = zip_source_file(zip, source.c_str(), 0, -1);
  if (!src || zip_file_add(zip, name.c_str(), src, ZIP_FL_OVERWRITE) < 0) {
    if (src) zip_source_free(src);
    throw std::runtime_error("cannot add " + source.string() +
                             " to the archive: " + zip_strerror(zip));
  }
}

bool safe_entry_name(const std::string& name) {
  if (name.empty() || name.front() == '/' || name.find('\\') != std::string::npos) return false;
  for (const auto& part : fs::path(name)) {
    if (part == ".." || part == ".") return false;
  }
  return true;
}

}  // namespace

void write_backup(Application& app, const std::string& archive_path) {
  const Config& config = app.config();
  if (app.database().dialect() != db::Dialect::Sqlite) {
    throw std::runtime_error("backup covers the embedded SQLite store; use pg_dump for PostgreSQL");
  }
  fs::path snapshot = fs::path(archive_path).concat(".db.tmp");
  fs::remove(snapshot);
  app.database().backup_to(snapshot.string());

  fs::path partial = fs::path(archive_path).concat(".partial");
  int error = 0;
  ZipPtr zip(zip_open(partial.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &error));
  if (!zip) throw std::runtime_error("cannot create " + partial.string());
  nlohmann::json manifest = {{"format", "opendesign-backup/1"},
                             {"createdAt", rfc3339(now_ms())},
                             {"schemaVersion", app.database().schema_version()}};
  std::string manifest_text = manifest.dump(2);
  zip_source_t* manifest_src =
      zip_source_buffer(zip.get(), manifest_text.data(), manifest_text.size(), 0);
  zip_file_add(zip.get(), "manifest.json", manifest_src, ZIP_FL_OVERWRITE);
  add_file(zip.get(), snapshot, kDatabaseEntry);
  add_file(zip.get(), fs::path(config.data_dir) / "secret.key", "secret.key");
  // Blobs are content-addressed and never rewritten, so copying them after the database snapshot
  // gives a consistent pair: every blob the snapshot references exists.
  fs::path blobs = fs::path(config.data_dir) / "blobs";
  if (fs::exists(blobs)) {
    for (const auto& entry : fs::recursive_directory_iterator(blobs)) {
      if (!entry.is_regular_file()) continue;
      add_file(zip.get(), entry.path(),
               "blobs/" + fs::relative(entry.path(), blobs).generic_string());
    }
  }
  if (zip_close(zip.get()) < 0) {
    throw std::runtime_error("cannot write " + partial.string() + ": " + zip_strerror(zip.get()));
  }
  zip.release();
  fs::remove(snapshot);
  fs::rename(partial, archive_path);
}

void restore_backup(const Config& config, const std::string& archive_path) {
  if (!config.database.empty() && config.database.rfind("sqlite:", 0) != 0) {
    throw std::runtime_error("restore targets the embedded SQLite store; use pg_restore");
  }
  fs::path data_dir = config.data_dir;
  fs::path database =
      config.database.empty() ? data_dir / "opendesign.db" : fs::path(config.database.substr(7));
  if (fs::exists(database)) {
    throw std::runtime_error(database.string() + " exists: restore into an empty data directory");
  }
  int error = 0;
  ZipPtr zip(zip_open(archive_path.c_str(), ZIP_RDONLY, &error));
  if (!zip) throw std::runtime_error("cannot open " + archive_path + " as a ZIP archive");
  if (zip_name_locate(zip.get(), kDatabaseEntry, 0) < 0 ||
      zip_name_locate(zip.get(), "manifest.json", 0) < 0) {
    throw std::runtime_error(archive_path + " is not an opendesign backup");
  }
  fs::create_directories(data_dir);
  zip_int64_t count = zip_get_num_entries(zip.get(), 0);
  for (zip_int64_t i = 0; i < count; ++i) {
    zip_stat_t stat;
    if (zip_stat_index(zip.get(), i, 0, &stat) != 0) throw std::runtime_error("corrupt archive");
    std::string name = stat.name;
    if (name == "manifest.json" || name.back() == '/') continue;
    if (!safe_entry_name(name) || stat.size > kMaxEntryBytes) {
      throw std::runtime_error("refusing unsafe archive entry " + name);
    }
    fs::path target = name == kDatabaseEntry ? database : data_dir / name;
    fs::create_directories(target.parent_path());
    std::unique_ptr<zip_file_t, decltype(&zip_fclose)> in(zip_fopen_index(zip.get(), i, 0),
                                                          &zip_fclose);
    if (!in) throw std::runtime_error("cannot read " + name);
    fs::path partial = fs::path(target).concat(".partial");
    std::ofstream out(partial, std::ios::binary | std::ios::trunc);
    char buffer[64 * 1024];
    zip_int64_t n;
    while ((n = zip_fread(in.get(), buffer, sizeof buffer)) > 0) out.write(buffer, n);
    if (n < 0 || !out.flush()) throw std::runtime_error("cannot extract " + name);
    out.close();
    fs::rename(partial, target);
  }
}

}  // namespace od::app
