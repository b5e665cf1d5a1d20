// Fresh, migrated databases for tests, on either driver, so every store test runs against SQLite
// and PostgreSQL alike. PostgreSQL comes from the server that scripts/test.sh starts and names in
// OD_TEST_POSTGRES_URL; without it the PostgreSQL half of a suite fails (it is never skipped).
//
// A store suite is written once and runs on both drivers:
//
//   class ProjectStoreTest : public od::testing::DatabaseTest {};
//   TEST_P(ProjectStoreTest, CreatesAProject) { ProjectStore store(db()); ... }
//   OD_INSTANTIATE_DATABASE_TEST(ProjectStoreTest);
//
// which yields Drivers/ProjectStoreTest.CreatesAProject/Sqlite and .../Postgres.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <ostream>
#include <string>

#include "db/database.h"

namespace od::testing {

// The URL of a new, empty, unmigrated database: a new SQLite file in a temp directory, or a new
// PostgreSQL database (CREATE DATABASE od_test_<random>). Throws when PostgreSQL is not set up.
std::string fresh_database_url(od::db::Dialect dialect);

// A new, empty, migrated database. Destroying it removes the SQLite file or drops the
// PostgreSQL database.
std::unique_ptr<od::db::Database> fresh_database(od::db::Dialect dialect,
                                                 const od::db::Options& options = {});

// Frees what fresh_database_url() created (fresh_database() does this on its own).
void drop_database(od::db::Dialect dialect, const std::string& url);

// "Sqlite" / "Postgres", for test names.
std::string dialect_name(const ::testing::TestParamInfo<od::db::Dialect>& info);

// Base fixture for tests that run on both drivers; each test gets its own fresh database.
class DatabaseTest : public ::testing::TestWithParam<od::db::Dialect> {
 protected:
  void SetUp() override;
  od::db::Database& db() { return *db_; }
  od::db::Dialect dialect() const { return GetParam(); }

 private:
  std::unique_ptr<od::db::Database> db_;
};

}  // namespace od::testing

namespace od::db {
// Lets GoogleTest print a Dialect as its name in failure messages.
void PrintTo(Dialect dialect, std::ostream* out);
}  // namespace od::db

#define OD_INSTANTIATE_DATABASE_TEST(suite)                                                      \
  INSTANTIATE_TEST_SUITE_P(                                                                      \
      Drivers, suite, ::testing::Values(::od::db::Dialect::Sqlite, ::od::db::Dialect::Postgres), \
      ::od::testing::dialect_name)
