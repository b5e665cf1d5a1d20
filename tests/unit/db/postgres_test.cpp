// What only the PostgreSQL driver does: connection failures, the bounded pool, reconnection.
#include <gtest/gtest.h>

#include <cstdlib>

#include "support/databases.h"

namespace od::db {
namespace {

Error::Kind kind_of_failure(const std::function<void()>& call) {
  try {
    call();
  } catch (const Error& e) {
    return e.kind();
  }
  ADD_FAILURE() << "expected od::db::Error";
  return Error::Kind::Other;
}

TEST(PostgresTest, AnUnreachableServerIsAConnectionError) {
  // Port 1 on loopback refuses at once; connect_timeout bounds the wait if it did not.
  EXPECT_EQ(kind_of_failure([] {
              Database::open("postgres://postgres@127.0.0.1:1/postgres?connect_timeout=5");
            }),
            Error::Kind::Connection);
  EXPECT_EQ(kind_of_failure([] {
              Database::open("postgresql://postgres@127.0.0.1:1/postgres?connect_timeout=5");
            }),
            Error::Kind::Connection);
}

TEST(PostgresTest, CallersBeyondThePoolGetBusy) {
  auto db = od::testing::fresh_database(Dialect::Postgres, {.pool_size = 1, .busy_timeout_ms = 50});
  db->transaction([&](Session& s) {
    s.exec("SELECT 1");
    EXPECT_EQ(kind_of_failure([&] { db->query("SELECT 1"); }), Error::Kind::Busy);
    EXPECT_EQ(db->stats().in_use, 1);
  });
  EXPECT_TRUE(db->ping());  // the connection came back to the pool
}

TEST(PostgresTest, ReplacesAConnectionTheServerDropped) {
  auto db = od::testing::fresh_database(Dialect::Postgres, {.pool_size = 1});
  const int64_t pid = db->query("SELECT pg_backend_pid()").rows.at(0).integer(0);
  auto admin = Database::open(std::getenv("OD_TEST_POSTGRES_URL"), {.pool_size = 1});
  // The second argument makes it wait until the backend has gone.
  ASSERT_TRUE(admin->query("SELECT pg_terminate_backend($1, 10000)", {pid}).rows.at(0).boolean(0));

  EXPECT_EQ(kind_of_failure([&] { db->query("SELECT pg_backend_pid()"); }),
            Error::Kind::Connection);
  const int64_t new_pid = db->query("SELECT pg_backend_pid()").rows.at(0).integer(0);
  EXPECT_NE(new_pid, pid);
  EXPECT_EQ(db->stats().size, 1);
}

TEST(PostgresTest, ConvertsColumnsByType) {
  auto db = od::testing::fresh_database(Dialect::Postgres);
  Result r = db->query(
      "SELECT 1::smallint, 2::int, 3::bigint, 1.5::real, 2.5::float8, 3.5::numeric, true, "
      "false, 'x'::text, sum(v) FROM (VALUES (10::bigint), (20)) AS t(v)");
  const Row& row = r.rows.at(0);
  for (size_t i : {0, 1, 2}) EXPECT_TRUE(std::holds_alternative<int64_t>(row.value(i))) << i;
  for (size_t i : {3, 4, 5}) EXPECT_TRUE(std::holds_alternative<double>(row.value(i))) << i;
  EXPECT_EQ(row.value(6), Value(int64_t{1}));
  EXPECT_EQ(row.value(7), Value(int64_t{0}));
  EXPECT_EQ(row.value(8), Value(std::string("x")));
  EXPECT_EQ(row.integer(9), 30);  // numeric sum, read as an integer
}

TEST(PostgresTest, HasNoBackupTo) {
  auto db = od::testing::fresh_database(Dialect::Postgres);
  EXPECT_THROW(db->backup_to("/tmp/never-written.db"), std::runtime_error);
}

}  // namespace
}  // namespace od::db
