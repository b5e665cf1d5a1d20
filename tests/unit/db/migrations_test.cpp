#include "db/migrations.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <thread>

#include "support/databases.h"

namespace od::db {
namespace {

using od::testing::DatabaseTest;

std::vector<int> versions(const std::vector<Migration>& migrations) {
  std::vector<int> out;
  for (const auto& m : migrations) out.push_back(m.version);
  return out;
}

TEST(MigrationsForTest, DialectFilesReplaceTheGenericOne) {
  const std::vector<EmbeddedMigration> files = {
      {3, "later", "", "SELECT 3"},
      {1, "init", "sqlite", "SELECT 'sqlite'"},
      {1, "init", "", "SELECT 'generic'"},
      {2, "pg_only", "postgres", "SELECT 2"},
  };
  const auto sqlite = migrations_for(Dialect::Sqlite, files);
  EXPECT_EQ(versions(sqlite), (std::vector<int>{1, 3}));
  EXPECT_EQ(sqlite[0].sql, "SELECT 'sqlite'");
  const auto postgres = migrations_for(Dialect::Postgres, files);
  EXPECT_EQ(versions(postgres), (std::vector<int>{1, 2, 3}));
  EXPECT_EQ(postgres[0].sql, "SELECT 'generic'");
  EXPECT_EQ(postgres[1].name, "pg_only");
}

TEST(MigrationsForTest, EmbeddedMigrationsAreOrdered) {
  for (Dialect d : {Dialect::Sqlite, Dialect::Postgres}) {
    const auto all = versions(migrations_for(d));
    ASSERT_FALSE(all.empty());
    EXPECT_TRUE(std::is_sorted(all.begin(), all.end()));
  }
}

class MigrateTest : public DatabaseTest {};

TEST_P(MigrateTest, AFreshDatabaseIsAtTheLatestVersion) {
  const auto migrations = migrations_for(dialect());
  EXPECT_EQ(db().schema_version(), migrations.back().version);
  Result applied = db().query("SELECT version, name, applied_at FROM schema_migrations");
  ASSERT_EQ(applied.rows.size(), migrations.size());
  for (const Row& row : applied.rows) EXPECT_GT(row.integer(2), 0);
}

TEST_P(MigrateTest, RunningAgainAppliesNothing) {
  EXPECT_EQ(db().migrate(), 0);
  EXPECT_EQ(db().migrate(), 0);
  EXPECT_EQ(db().query("SELECT count(*) FROM schema_migrations").rows[0].integer(0),
            static_cast<int64_t>(migrations_for(dialect()).size()));
}

TEST_P(MigrateTest, AnEmptyDatabaseIsAtVersionZero) {
  const std::string url = od::testing::fresh_database_url(dialect());
  {
    auto empty = Database::open(url);
    EXPECT_EQ(empty->schema_version(), 0);
  }
  od::testing::drop_database(dialect(), url);
}

TEST_P(MigrateTest, TwoProcessesMigratingAtOnceApplyEachVersionOnce) {
  const std::string url = od::testing::fresh_database_url(dialect());
  {
    auto first = Database::open(url);
    auto second = Database::open(url);
    int applied_first = -1;
    int applied_second = -1;
    std::string error;
    std::thread other([&] {
      try {
        applied_second = second->migrate();
      } catch (const std::exception& e) {
        error = e.what();
      }
    });
    applied_first = first->migrate();
    other.join();
    EXPECT_EQ(error, "");
    EXPECT_EQ(applied_first + applied_second, static_cast<int>(migrations_for(dialect()).size()));
    EXPECT_EQ(first->schema_version(), migrations_for(dialect()).back().version);
    EXPECT_EQ(second->schema_version(), first->schema_version());
  }
  od::testing::drop_database(dialect(), url);
}

OD_INSTANTIATE_DATABASE_TEST(MigrateTest);

}  // namespace
}  // namespace od::db
