// The embedded driver: SQLite in WAL mode, so readers run concurrently with the single writer.
// One writer connection, serialized by a mutex (SQLite allows one writer at a time anyway, and
// queueing in-process is cheaper than spinning on SQLITE_BUSY), plus a pool of read-only
// connections for query(). Transactions start with BEGIN IMMEDIATE so they take the write lock
// up front and never fail half-way on a lock upgrade.
#pragma once

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "db/database.h"
#include "db/migration_runner.h"
#include "db/sqlite_connection.h"

namespace od::db {

class SqliteDatabase final : public Database {
 public:
  // `remove_on_close`: the file is private to this object (sqlite::memory:) and deleted with it.
  SqliteDatabase(std::string path, const Options& options, bool remove_on_close);
  ~SqliteDatabase() override;

  Dialect dialect() const override { return Dialect::Sqlite; }
  Result query(std::string_view sql, const Params& params) override;
  Result execute(std::string_view sql, const Params& params) override;
  void transaction(const std::function<void(Session&)>& body) override;
  int migrate() override;
  int schema_version() override;
  bool ping() override;
  PoolStats stats() const override;
  void backup_to(const std::string& path) override;

 private:
  class WriterLock;
  class ReaderLease;

  void script_transaction(const std::function<void(ScriptSession&)>& body);
  std::unique_ptr<SqliteConnection> acquire_reader();
  void release_reader(std::unique_ptr<SqliteConnection> reader);

  const std::string path_;
  const Options options_;
  const bool remove_on_close_;

  std::mutex writer_mutex_;
  std::unique_ptr<SqliteConnection> writer_;
  std::atomic<int> writer_waiting_{0};
  std::atomic<bool> writer_in_use_{false};

  mutable std::mutex readers_mutex_;
  std::condition_variable reader_returned_;
  std::vector<std::unique_ptr<SqliteConnection>> idle_readers_;
  int readers_open_ = 0;
  int readers_in_use_ = 0;
  int readers_waiting_ = 0;
};

}  // namespace od::db
