#include "support/databases.h"

#include <cstdlib>
#include <filesystem>
#include <random>
#include <stdexcept>

namespace od::testing {
namespace {

using od::db::Database;
using od::db::Dialect;

std::string random_suffix() {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  static constexpr char kAlphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  std::string out;
  for (int i = 0; i < 12; ++i) out += kAlphabet[rng() % (sizeof kAlphabet - 1)];
  return out;
}

std::string admin_url() {
  const char* url = std::getenv("OD_TEST_POSTGRES_URL");
  if (url == nullptr || *url == '\0') {
    throw std::runtime_error(
        "OD_TEST_POSTGRES_URL is not set: run the tests through scripts/test.sh, which starts "
        "PostgreSQL (or set it to a server URL from scripts/pg-cluster.sh start DIR)");
  }
  return url;
}

// The admin URL with its database name replaced; query parameters are kept.
std::string with_database(const std::string& url, const std::string& name) {
  const size_t authority = url.find("://");
  const size_t path = url.find('/', authority == std::string::npos ? 0 : authority + 3);
  const size_t query = url.find('?', path == std::string::npos ? 0 : path);
  const std::string base = url.substr(0, path == std::string::npos ? query : path);
  return base + "/" + name + (query == std::string::npos ? "" : url.substr(query));
}

std::string database_name(const std::string& url) {
  const size_t slash = url.rfind('/');
  return url.substr(slash + 1, url.find('?', slash) - slash - 1);
}

std::unique_ptr<Database> admin() { return Database::open(admin_url(), {.pool_size = 1}); }

// Cleans up after the database it wraps once that database is closed.
class DisposableDatabase final : public Database {
 public:
  DisposableDatabase(std::unique_ptr<Database> inner, Dialect dialect, std::string url)
      : inner_(std::move(inner)), dialect_(dialect), url_(std::move(url)) {}
  ~DisposableDatabase() override {
    inner_.reset();
    drop_database(dialect_, url_);
  }
  od::db::Dialect dialect() const override { return inner_->dialect(); }
  od::db::Result query(std::string_view sql, const od::db::Params& params) override {
    return inner_->query(sql, params);
  }
  od::db::Result execute(std::string_view sql, const od::db::Params& params) override {
    return inner_->execute(sql, params);
  }
  void transaction(const std::function<void(od::db::Session&)>& body) override {
    inner_->transaction(body);
  }
  int migrate() override { return inner_->migrate(); }
  int schema_version() override { return inner_->schema_version(); }
  bool ping() override { return inner_->ping(); }
  od::db::PoolStats stats() const override { return inner_->stats(); }
  void backup_to(const std::string& path) override { inner_->backup_to(path); }

 private:
  std::unique_ptr<Database> inner_;
  Dialect dialect_;
  std::string url_;
};

}  // namespace

std::string fresh_database_url(Dialect dialect) {
  if (dialect == Dialect::Sqlite) {
    const auto dir = std::filesystem::temp_directory_path() / ("od-test-" + random_suffix());
    std::filesystem::create_directories(dir);
    return "sqlite:" + (dir / "test.db").string();
  }
  const std::string name = "od_test_" + random_suffix();
  admin()->execute("CREATE DATABASE " + name);
  return with_database(admin_url(), name);
}

std::unique_ptr<Database> fresh_database(Dialect dialect, const od::db::Options& options) {
  const std::string url = fresh_database_url(dialect);
  try {
    auto db = std::make_unique<DisposableDatabase>(Database::open(url, options), dialect, url);
    db->migrate();
    return db;
  } catch (...) {
    drop_database(dialect, url);
    throw;
  }
}

void drop_database(Dialect dialect, const std::string& url) {
  try {
    if (dialect == Dialect::Sqlite) {
      const std::filesystem::path file = url.substr(std::string_view("sqlite:").size());
      std::filesystem::remove_all(file.parent_path());
    } else {
      admin()->execute("DROP DATABASE IF EXISTS " + database_name(url) + " WITH (FORCE)");
    }
  } catch (const std::exception& e) {
    ADD_FAILURE() << "cannot drop test database " << url << ": " << e.what();
  }
}

std::string dialect_name(const ::testing::TestParamInfo<Dialect>& info) {
  return info.param == Dialect::Sqlite ? "Sqlite" : "Postgres";
}

void DatabaseTest::SetUp() {
  try {
    db_ = fresh_database(GetParam());
  } catch (const std::exception& e) {
    GTEST_FAIL() << "no test database: " << e.what();
  }
}

}  // namespace od::testing

void od::db::PrintTo(Dialect dialect, std::ostream* out) {
  *out << (dialect == Dialect::Sqlite ? "Sqlite" : "Postgres");
}
