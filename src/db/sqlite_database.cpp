#include "db/sqlite_database.h"

#include <filesystem>

namespace od::db {
namespace {

// The database whose writer this thread holds. The writer mutex is not recursive, so a nested
// execute()/transaction() from inside a transaction body would deadlock; fail loudly instead.
thread_local const SqliteDatabase* writing_on_this_thread = nullptr;

class SqliteSession final : public ScriptSession {
 public:
  explicit SqliteSession(SqliteConnection& connection) : connection_(connection) {}
  Result exec(std::string_view sql, const Params& params) override {
    return connection_.exec(sql, params);
  }
  void exec_script(std::string_view sql) override { connection_.exec_script(sql); }

 private:
  SqliteConnection& connection_;
};

}  // namespace

class SqliteDatabase::WriterLock {
 public:
  explicit WriterLock(SqliteDatabase& db) : db_(db) {
    if (writing_on_this_thread == &db) {
      throw std::logic_error("nested write on the SQLite writer: use the transaction's Session");
    }
    ++db.writer_waiting_;
    lock_ = std::unique_lock(db.writer_mutex_);
    --db.writer_waiting_;
    db.writer_in_use_ = true;
    writing_on_this_thread = &db;
  }
  ~WriterLock() {
    writing_on_this_thread = outer_;
    db_.writer_in_use_ = false;
  }
  SqliteConnection& connection() { return *db_.writer_; }

 private:
  SqliteDatabase& db_;
  // A transaction on another database may enclose this one on the same thread.
  const SqliteDatabase* outer_ = writing_on_this_thread;
  std::unique_lock<std::mutex> lock_;
};

class SqliteDatabase::ReaderLease {
 public:
  explicit ReaderLease(SqliteDatabase& db) : db_(db), reader_(db.acquire_reader()) {}
  ~ReaderLease() { db_.release_reader(std::move(reader_)); }
  SqliteConnection& connection() { return *reader_; }

 private:
  SqliteDatabase& db_;
  std::unique_ptr<SqliteConnection> reader_;
};

SqliteDatabase::SqliteDatabase(std::string path, const Options& options, bool remove_on_close)
    : path_(std::move(path)), options_(options), remove_on_close_(remove_on_close) {
  writer_ = std::make_unique<SqliteConnection>(path_, options_, SqliteConnection::Role::Writer);
}

SqliteDatabase::~SqliteDatabase() {
  // Connections must be closed before their files are removed.
  idle_readers_.clear();
  writer_.reset();
  if (remove_on_close_) {
    std::error_code ignored;
    for (const char* suffix : {"", "-wal", "-shm"}) {
      std::filesystem::remove(path_ + suffix, ignored);
    }
  }
}

std::unique_ptr<SqliteConnection> SqliteDatabase::acquire_reader() {
  std::unique_lock lock(readers_mutex_);
  ++readers_waiting_;
  reader_returned_.wait(
      lock, [&] { return !idle_readers_.empty() || readers_open_ < options_.pool_size; });
  --readers_waiting_;
  ++readers_in_use_;
  if (!idle_readers_.empty()) {
    auto reader = std::move(idle_readers_.back());
    idle_readers_.pop_back();
    return reader;
  }
  // Open outside the lock: it touches the disk, and other callers may reuse idle readers meanwhile.
  ++readers_open_;
  lock.unlock();
  try {
    return std::make_unique<SqliteConnection>(path_, options_, SqliteConnection::Role::Reader);
  } catch (...) {
    lock.lock();
    --readers_open_;
    --readers_in_use_;
    reader_returned_.notify_one();
    throw;
  }
}

void SqliteDatabase::release_reader(std::unique_ptr<SqliteConnection> reader) {
  {
    std::lock_guard lock(readers_mutex_);
    --readers_in_use_;
    idle_readers_.push_back(std::move(reader));
  }
  reader_returned_.notify_one();
}

Result SqliteDatabase::query(std::string_view sql, const Params& params) {
  ReaderLease reader(*this);
  return reader.connection().exec(sql, params);
}

Result SqliteDatabase::execute(std::string_view sql, const Params& params) {
  WriterLock writer(*this);
  return writer.connection().exec(sql, params);
}

void SqliteDatabase::script_transaction(const std::function<void(ScriptSession&)>& body) {
  WriterLock writer(*this);
  SqliteConnection& connection = writer.connection();
  // BEGIN IMMEDIATE takes the write lock now; other processes wait for it within busy_timeout.
  connection.exec_script("BEGIN IMMEDIATE");
  try {
    SqliteSession session(connection);
    body(session);
    connection.exec_script("COMMIT");
  } catch (...) {
    try {
      connection.exec_script("ROLLBACK");
    } catch (const Error&) {
      // SQLite already rolled back on its own (some errors do that); the original error matters.
    }
    throw;
  }
}

void SqliteDatabase::transaction(const std::function<void(Session&)>& body) {
  script_transaction([&](ScriptSession& session) { body(session); });
}

int SqliteDatabase::migrate() {
  return run_migrations(*this, migrations_for(Dialect::Sqlite),
                        [&](const auto& body) { script_transaction(body); });
}

int SqliteDatabase::schema_version() { return current_schema_version(*this); }

bool SqliteDatabase::ping() {
  try {
    return query("SELECT 1", {}).rows.at(0).integer(0) == 1;
  } catch (const std::exception&) {
    return false;
  }
}

PoolStats SqliteDatabase::stats() const {
  std::lock_guard lock(readers_mutex_);
  return PoolStats{readers_open_ + 1, readers_in_use_ + (writer_in_use_ ? 1 : 0),
                   readers_waiting_ + writer_waiting_};
}

void SqliteDatabase::backup_to(const std::string& path) {
  if (std::filesystem::exists(path)) {
    throw Error(Error::Kind::Other, "backup target already exists: " + path);
  }
  // On the writer: VACUUM writes a file, which the read-only (query_only) readers may not do.
  WriterLock writer(*this);
  writer.connection().exec("VACUUM INTO $1", {path});
}

}  // namespace od::db
