// What only the SQLite driver does: files, backups, the in-process writer lock.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>

#include "support/databases.h"

namespace od::db {
namespace {

namespace fs = std::filesystem;

class TempDir {
 public:
  TempDir()
      : path_(fs::temp_directory_path() /
              ("od-sqlite-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter_++))) {
    fs::create_directories(path_);
  }
  ~TempDir() { fs::remove_all(path_); }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  static inline int counter_ = 0;
  fs::path path_;
};

TEST(SqliteTest, BackupIsAConsistentOpenableCopy) {
  TempDir dir;
  auto db = od::testing::fresh_database(Dialect::Sqlite);
  db->execute("CREATE TABLE notes (id TEXT PRIMARY KEY, body TEXT)");
  db->execute("INSERT INTO notes VALUES ('n1', 'kept ✓')");
  db->backup_to(dir.file("copy.db"));
  db->execute("INSERT INTO notes VALUES ('n2', 'after the backup')");

  auto copy = Database::open("sqlite:" + dir.file("copy.db"));
  Result notes = copy->query("SELECT id, body FROM notes");
  ASSERT_EQ(notes.rows.size(), 1u);
  EXPECT_EQ(notes.rows[0].text(1), "kept ✓");
  EXPECT_EQ(copy->schema_version(), db->schema_version());
}

TEST(SqliteTest, BackupRefusesToOverwrite) {
  TempDir dir;
  auto db = od::testing::fresh_database(Dialect::Sqlite);
  db->backup_to(dir.file("copy.db"));
  EXPECT_THROW(db->backup_to(dir.file("copy.db")), Error);
}

TEST(SqliteTest, MemoryUrlIsSharedByWriterAndReaders) {
  auto db = Database::open("sqlite::memory:");
  db->execute("CREATE TABLE t (x BIGINT)");
  db->execute("INSERT INTO t VALUES (1)");
  EXPECT_EQ(db->query("SELECT x FROM t").rows.at(0).integer(0), 1);
}

TEST(SqliteTest, OpensAFileAgainWithItsData) {
  TempDir dir;
  const std::string url = "sqlite:" + dir.file("app.db");
  Database::open(url)->execute("CREATE TABLE t (x BIGINT)");
  auto db = Database::open(url);
  EXPECT_TRUE(db->query("SELECT x FROM t").empty());
  EXPECT_EQ(db->query("PRAGMA journal_mode").rows.at(0).text(0), "wal");
  EXPECT_EQ(db->query("PRAGMA foreign_keys").rows.at(0).integer(0), 1);
}

TEST(SqliteTest, QueryRunsOnAReadOnlyConnection) {
  auto db = Database::open("sqlite::memory:");
  db->execute("CREATE TABLE t (x BIGINT)");
  EXPECT_THROW(db->query("INSERT INTO t VALUES (1)"), Error);
  EXPECT_TRUE(db->query("SELECT x FROM t").empty());
}

TEST(SqliteTest, NestedWriteInsideATransactionFailsInsteadOfDeadlocking) {
  auto db = Database::open("sqlite::memory:");
  db->execute("CREATE TABLE t (x BIGINT)");
  EXPECT_THROW(db->transaction([&](Session&) { db->execute("INSERT INTO t VALUES (1)"); }),
               std::logic_error);
  EXPECT_TRUE(db->query("SELECT x FROM t").empty());
}

TEST(SqliteTest, RejectsSeveralStatementsInOneCall) {
  auto db = Database::open("sqlite::memory:");
  try {
    db->execute("CREATE TABLE a (x BIGINT); CREATE TABLE b (x BIGINT)");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), Error::Kind::Syntax);
  }
}

TEST(SqliteTest, CannotOpenAFileInAMissingDirectory) {
  try {
    Database::open("sqlite:/nonexistent-dir/x/y.db");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), Error::Kind::Connection);
  }
}

TEST(DatabaseOpenTest, RejectsAnUnknownSchemeWithoutEchoingTheUrl) {
  try {
    Database::open("mysql://root:secret@localhost/db");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), Error::Kind::Connection);
    EXPECT_NE(std::string(e.what()).find("mysql"), std::string::npos);
    EXPECT_EQ(std::string(e.what()).find("secret"), std::string::npos);
  }
}

}  // namespace
}  // namespace od::db
