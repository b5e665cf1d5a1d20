// Database::open: picks the driver from the URL scheme.
#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include "db/postgres_database.h"
#include "db/sqlite_database.h"

namespace od::db {
namespace {

bool starts_with(const std::string& s, std::string_view prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}

// sqlite::memory: is a private file in the temp directory, removed when the Database closes.
// A true in-memory database would need shared-cache mode to be seen by the reader pool, which
// gives up WAL's reader/writer concurrency and reports locks without honouring busy_timeout, so
// the in-memory flavour would behave unlike the file one every test and user relies on.
std::string private_temp_file() {
  std::string pattern = (std::filesystem::temp_directory_path() / "od-memory-XXXXXX").string();
  const int fd = mkstemp(pattern.data());
  if (fd < 0) throw Error(Error::Kind::Connection, "cannot create a temporary SQLite file");
  close(fd);
  return pattern;
}

}  // namespace

std::unique_ptr<Database> Database::open(const std::string& url, const Options& options) {
  if (options.pool_size < 1) throw std::invalid_argument("Options::pool_size must be at least 1");
  if (starts_with(url, "sqlite:")) {
    const std::string path = url.substr(std::string_view("sqlite:").size());
    if (path.empty()) throw Error(Error::Kind::Connection, "sqlite: URL without a path");
    if (path == ":memory:") {
      const std::string file = private_temp_file();
      try {
        return std::make_unique<SqliteDatabase>(file, options, true);
      } catch (...) {
        std::filesystem::remove(file);
        throw;
      }
    }
    return std::make_unique<SqliteDatabase>(path, options, false);
  }
  if (starts_with(url, "postgres://") || starts_with(url, "postgresql://")) {
    return std::make_unique<PostgresDatabase>(url, options);
  }
  // Only the scheme: the rest of a URL may hold a password.
  const std::string scheme = url.substr(0, url.find(':'));
  throw Error(Error::Kind::Connection, "unsupported database URL scheme '" + scheme +
                                           "': use sqlite:PATH, sqlite::memory: or postgres://");
}

}  // namespace od::db
