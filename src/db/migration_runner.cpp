#include "db/migration_runner.h"

#include <chrono>
#include <set>

namespace od::db {
namespace {

constexpr std::string_view kCreateTable =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    "version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)";

int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

bool table_exists(Database& db) {
  const char* sql = db.dialect() == Dialect::Sqlite
                        ? "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND "
                          "name = 'schema_migrations'"
                        : "SELECT count(*) FROM pg_catalog.pg_tables WHERE "
                          "schemaname = current_schema() AND tablename = 'schema_migrations'";
  return db.query(sql).rows.at(0).integer(0) > 0;
}

std::set<int64_t> applied_versions(Database& db) {
  std::set<int64_t> versions;
  if (!table_exists(db)) return versions;
  for (const Row& row : db.query("SELECT version FROM schema_migrations").rows) {
    versions.insert(row.integer(0));
  }
  return versions;
}

}  // namespace

int run_migrations(Database& db, const std::vector<Migration>& migrations,
                   const LockedTransaction& locked_transaction) {
  // A lock-free look first, so an up-to-date database (every node start) takes no write lock.
  const std::set<int64_t> already = applied_versions(db);
  int applied = 0;
  for (const Migration& migration : migrations) {
    if (already.count(migration.version) > 0) continue;
    locked_transaction([&](ScriptSession& session) {
      session.exec_script(kCreateTable);
      // Another process may have applied it while we waited for the lock.
      if (!session.exec("SELECT 1 FROM schema_migrations WHERE version = $1", {migration.version})
               .empty()) {
        return;
      }
      session.exec_script(migration.sql);
      session.exec("INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
                   {migration.version, migration.name, now_ms()});
      ++applied;
    });
  }
  return applied;
}

int current_schema_version(Database& db) {
  if (!table_exists(db)) return 0;
  return static_cast<int>(
      db.query("SELECT COALESCE(MAX(version), 0) FROM schema_migrations").rows.at(0).integer(0));
}

}  // namespace od::db
