// The Database contract, run on both drivers: what a store may rely on whichever is configured.
#include <gtest/gtest.h>

#include <future>
#include <thread>

#include "support/databases.h"

namespace od::db {
namespace {

using od::testing::DatabaseTest;

Error::Kind kind_of_failure(const std::function<void()>& call) {
  try {
    call();
  } catch (const Error& e) {
    return e.kind();
  }
  ADD_FAILURE() << "expected od::db::Error";
  return Error::Kind::Other;
}

int64_t count(Database& db, const std::string& table) {
  return db.query("SELECT count(*) FROM " + table).rows.at(0).integer(0);
}

class DatabaseContractTest : public DatabaseTest {
 protected:
  void SetUp() override {
    DatabaseTest::SetUp();
    if (HasFatalFailure()) return;
    db().execute(
        "CREATE TABLE items (id TEXT PRIMARY KEY, n BIGINT, r DOUBLE PRECISION, t TEXT, "
        "code TEXT UNIQUE)");
    db().execute(
        "CREATE TABLE children (id TEXT PRIMARY KEY, item_id TEXT NOT NULL "
        "REFERENCES items(id))");
  }
};

TEST_P(DatabaseContractTest, RoundTripsEveryValueType) {
  const int64_t big = 9007199254740993;  // not representable as a double
  const std::string utf8 = "héllo wörld ✓ 日本語 🎨";
  db().execute("INSERT INTO items (id, n, r, t) VALUES ($1, $2, $3, $4)", {"a", big, 3.25, utf8});
  db().execute("INSERT INTO items (id, n, r, t) VALUES ($1, $2, $3, $4)",
               {"b", std::optional<int64_t>(), nullptr, std::optional<std::string>()});
  db().execute("INSERT INTO items (id, n, r, t) VALUES ($1, $2, $3, $4)",
               {std::string_view("c"), true, -0.5, std::string()});

  Result result = db().query("SELECT id, n, r, t FROM items ORDER BY id");
  ASSERT_EQ(result.rows.size(), 3u);
  EXPECT_EQ(result.columns, (std::vector<std::string>{"id", "n", "r", "t"}));
  const Row& a = result.rows[0];
  EXPECT_EQ(a.value(0), Value(std::string("a")));
  EXPECT_EQ(a.value(1), Value(big));
  EXPECT_EQ(a.value(2), Value(3.25));
  EXPECT_EQ(a.value(3), Value(utf8));
  const Row& b = result.rows[1];
  for (size_t i = 1; i < 4; ++i) EXPECT_TRUE(b.is_null(i)) << i;
  const Row& c = result.rows[2];
  EXPECT_EQ(c.value(1), Value(int64_t{1}));
  EXPECT_EQ(c.value(2), Value(-0.5));
  EXPECT_EQ(c.value(3), Value(std::string()));
  EXPECT_FALSE(c.is_null(3));  // an empty string is not NULL
}

TEST_P(DatabaseContractTest, BindsParametersReusedAndOutOfOrder) {
  // PostgreSQL infers one type per parameter, so a reused one goes to columns of the same type.
  db().execute("INSERT INTO items (id, code, n) VALUES ($2, $2, $1)", {7, "x"});
  Result result =
      db().query("SELECT id, n FROM items WHERE code = $2 AND n = $1 AND id = $2", {7, "x"});
  ASSERT_EQ(result.rows.size(), 1u);
  EXPECT_EQ(result.rows[0].text(0), "x");
  EXPECT_EQ(result.rows[0].integer(1), 7);
}

TEST_P(DatabaseContractTest, LeavesDollarSignsInLiteralsAndCommentsAlone) {
  db().execute("INSERT INTO items (id, t) VALUES ($1, '$1 costs $2') -- not $3", {"x"});
  Result result = db().query("SELECT t FROM items WHERE id = $1", {"x"});
  EXPECT_EQ(result.rows.at(0).text(0), "$1 costs $2");
}

TEST_P(DatabaseContractTest, RejectsTheWrongNumberOfParameters) {
  EXPECT_EQ(kind_of_failure([&] { db().query("SELECT id FROM items WHERE id = $1", {}); }),
            Error::Kind::Other);
  EXPECT_EQ(kind_of_failure([&] { db().query("SELECT id FROM items", {"extra"}); }),
            Error::Kind::Other);
}

TEST_P(DatabaseContractTest, ReturnsRowsFromWrites) {
  Result inserted =
      db().execute("INSERT INTO items (id, n) VALUES ($1, $2) RETURNING id, n", {"r", 5});
  ASSERT_EQ(inserted.rows.size(), 1u);
  EXPECT_EQ(inserted.rows[0].text(0), "r");
  EXPECT_EQ(inserted.rows[0].integer(1), 5);
  EXPECT_EQ(inserted.affected_rows, 1);
}

TEST_P(DatabaseContractTest, CountsAffectedRows) {
  for (const char* id : {"a", "b", "c"})
    db().execute("INSERT INTO items (id, n) VALUES ($1, 1)", {id});
  EXPECT_EQ(db().execute("UPDATE items SET n = n + 1 WHERE n = 1").affected_rows, 3);
  EXPECT_EQ(db().execute("DELETE FROM items WHERE id = 'zzz'").affected_rows, 0);
  EXPECT_EQ(db().query("SELECT id FROM items").affected_rows, 0);
}

TEST_P(DatabaseContractTest, UpsertsWithOnConflict) {
  const char* upsert =
      "INSERT INTO items (id, n) VALUES ($1, $2) "
      "ON CONFLICT (id) DO UPDATE SET n = items.n + excluded.n RETURNING n";
  EXPECT_EQ(db().execute(upsert, {"k", 2}).rows.at(0).integer(0), 2);
  EXPECT_EQ(db().execute(upsert, {"k", 3}).rows.at(0).integer(0), 5);
  EXPECT_EQ(
      db().execute("INSERT INTO items (id) VALUES ('k') ON CONFLICT DO NOTHING").affected_rows, 0);
  EXPECT_EQ(count(db(), "items"), 1);
}

TEST_P(DatabaseContractTest, ReportsUniqueViolations) {
  db().execute("INSERT INTO items (id, code) VALUES ('a', 'same')");
  EXPECT_EQ(kind_of_failure([&] { db().execute("INSERT INTO items (id) VALUES ('a')"); }),
            Error::Kind::UniqueViolation);
  EXPECT_EQ(
      kind_of_failure([&] { db().execute("INSERT INTO items (id, code) VALUES ('b', 'same')"); }),
      Error::Kind::UniqueViolation);
}

TEST_P(DatabaseContractTest, ReportsForeignKeyViolations) {
  EXPECT_EQ(kind_of_failure([&] {
              db().execute("INSERT INTO children (id, item_id) VALUES ('c', 'missing')");
            }),
            Error::Kind::ForeignKeyViolation);
  EXPECT_EQ(count(db(), "children"), 0);
}

TEST_P(DatabaseContractTest, ReportsSyntaxErrors) {
  EXPECT_EQ(kind_of_failure([&] { db().query("SELEC 1"); }), Error::Kind::Syntax);
  EXPECT_EQ(kind_of_failure([&] { db().query("SELECT * FROM no_such_table"); }),
            Error::Kind::Syntax);
  EXPECT_EQ(kind_of_failure([&] { db().execute("INSERT INTO items (nope) VALUES (1)"); }),
            Error::Kind::Syntax);
  EXPECT_TRUE(db().ping());  // and the connection stays usable
}

TEST_P(DatabaseContractTest, CommitsATransaction) {
  db().transaction([](Session& s) {
    s.exec("INSERT INTO items (id) VALUES ($1)", {"p"});
    s.exec("INSERT INTO children (id, item_id) VALUES ($1, $2)", {"c", "p"});
    // The transaction sees its own writes.
    EXPECT_EQ(s.exec("SELECT count(*) FROM items").rows.at(0).integer(0), 1);
  });
  EXPECT_EQ(count(db(), "items"), 1);
  EXPECT_EQ(count(db(), "children"), 1);
}

TEST_P(DatabaseContractTest, RollsBackWhenTheBodyThrows) {
  try {
    db().transaction([](Session& s) {
      s.exec("INSERT INTO items (id) VALUES ('p')");
      throw std::invalid_argument("changed my mind");
    });
    ADD_FAILURE() << "the exception did not propagate";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "changed my mind");
  }
  EXPECT_EQ(count(db(), "items"), 0);
  db().transaction([](Session& s) { s.exec("INSERT INTO items (id) VALUES ('q')"); });
  EXPECT_EQ(count(db(), "items"), 1);  // the connection is usable afterwards
}

TEST_P(DatabaseContractTest, RollsBackWhenAStatementFails) {
  EXPECT_EQ(kind_of_failure([&] {
              db().transaction([](Session& s) {
                s.exec("INSERT INTO items (id) VALUES ('p')");
                s.exec("INSERT INTO items (id) VALUES ('p')");
              });
            }),
            Error::Kind::UniqueViolation);
  EXPECT_EQ(count(db(), "items"), 0);
}

TEST_P(DatabaseContractTest, SerializesConcurrentTransactions) {
  db().execute("INSERT INTO items (id, n) VALUES ('counter', 0)");
  constexpr int kThreads = 4;
  constexpr int kIncrements = 100;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kIncrements; ++i) {
        try {
          db().transaction([](Session& s) {
            const int64_t n =
                s.exec("SELECT n FROM items WHERE id = 'counter'").rows.at(0).integer(0);
            s.exec("UPDATE items SET n = n + 1, r = $1 WHERE id = 'counter'",
                   {static_cast<double>(n)});
          });
        } catch (const std::exception&) {
          ++failures;
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures, 0);
  EXPECT_EQ(db().query("SELECT n FROM items WHERE id = 'counter'").rows.at(0).integer(0),
            kThreads * kIncrements);
  EXPECT_EQ(db().stats().in_use, 0);
}

TEST_P(DatabaseContractTest, ReadersAreNotBlockedByAnOpenWriteTransaction) {
  db().execute("INSERT INTO items (id) VALUES ('committed')");
  std::promise<void> written;
  std::promise<void> release;
  std::thread writer([&] {
    try {
      db().transaction([&](Session& s) {
        s.exec("INSERT INTO items (id) VALUES ('pending')");
        written.set_value();
        release.get_future().wait();
      });
    } catch (...) {
      written.set_exception(std::current_exception());  // fail the test instead of hanging it
    }
  });
  written.get_future().get();
  // The writer holds its transaction open: a reader still gets the last committed state.
  EXPECT_EQ(count(db(), "items"), 1);
  EXPECT_TRUE(db().ping());
  release.set_value();
  writer.join();
  EXPECT_EQ(count(db(), "items"), 2);
}

TEST_P(DatabaseContractTest, Pings) {
  EXPECT_TRUE(db().ping());
  EXPECT_EQ(db().dialect(), dialect());
}

TEST_P(DatabaseContractTest, ReportsPoolStats) {
  db().query("SELECT 1");
  PoolStats stats = db().stats();
  EXPECT_GE(stats.size, 1);
  EXPECT_EQ(stats.in_use, 0);
  EXPECT_EQ(stats.waiting, 0);
}

OD_INSTANTIATE_DATABASE_TEST(DatabaseContractTest);

}  // namespace
}  // namespace od::db
