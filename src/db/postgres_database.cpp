#include "db/postgres_database.h"

#include <chrono>

namespace od::db {
namespace {

// Serializes migrations across every process sharing the database ("od_migrate" in ASCII).
constexpr int64_t kMigrationLockKey = 0x6f645f6d696772;

class PostgresSession final : public ScriptSession {
 public:
  explicit PostgresSession(PostgresConnection& connection) : connection_(connection) {}
  Result exec(std::string_view sql, const Params& params) override {
    return connection_.exec(sql, params);
  }
  void exec_script(std::string_view sql) override { connection_.exec_script(sql); }

 private:
  PostgresConnection& connection_;
};

}  // namespace

class PostgresDatabase::Lease {
 public:
  explicit Lease(PostgresDatabase& db) : db_(db), connection_(db.acquire()) {}
  ~Lease() { db_.release(std::move(connection_)); }
  PostgresConnection& connection() { return *connection_; }

 private:
  PostgresDatabase& db_;
  std::unique_ptr<PostgresConnection> connection_;
};

PostgresDatabase::PostgresDatabase(std::string url, const Options& options)
    : url_(std::move(url)), options_(options) {
  idle_.push_back(std::make_unique<PostgresConnection>(url_));
  open_ = 1;
}

std::unique_ptr<PostgresConnection> PostgresDatabase::acquire() {
  std::unique_lock lock(mutex_);
  ++waiting_;
  const bool available =
      returned_.wait_for(lock, std::chrono::milliseconds(options_.busy_timeout_ms),
                         [&] { return !idle_.empty() || open_ < options_.pool_size; });
  --waiting_;
  if (!available) {
    throw Error(Error::Kind::Busy, "no free PostgreSQL connection within " +
                                       std::to_string(options_.busy_timeout_ms) + " ms");
  }
  ++in_use_;
  std::unique_ptr<PostgresConnection> connection;
  if (!idle_.empty()) {
    connection = std::move(idle_.back());
    idle_.pop_back();
    if (connection->healthy()) return connection;
    connection.reset();  // the server restarted or dropped it: reconnect in the same slot
  } else {
    ++open_;
  }
  // Connect outside the lock: it waits on the network.
  lock.unlock();
  try {
    return std::make_unique<PostgresConnection>(url_);
  } catch (...) {
    lock.lock();
    --open_;
    --in_use_;
    returned_.notify_one();
    throw;
  }
}

void PostgresDatabase::release(std::unique_ptr<PostgresConnection> connection) {
  {
    std::lock_guard lock(mutex_);
    --in_use_;
    if (connection->healthy() && connection->idle()) {
      idle_.push_back(std::move(connection));
    } else {
      --open_;  // dead, or stuck in a transaction it could not end: a fresh one replaces it
    }
  }
  returned_.notify_one();
}

Result PostgresDatabase::query(std::string_view sql, const Params& params) {
  Lease lease(*this);
  return lease.connection().exec(sql, params);
}

Result PostgresDatabase::execute(std::string_view sql, const Params& params) {
  Lease lease(*this);
  return lease.connection().exec(sql, params);
}

void PostgresDatabase::script_transaction(const std::function<void(ScriptSession&)>& body) {
  Lease lease(*this);
  PostgresConnection& connection = lease.connection();
  connection.exec_script("BEGIN");
  try {
    PostgresSession session(connection);
    body(session);
    connection.exec_script("COMMIT");
  } catch (...) {
    if (connection.healthy() && !connection.idle()) {
      try {
        connection.exec_script("ROLLBACK");
      } catch (const Error&) {
        // The lease drops a connection still inside a transaction; the original error matters.
      }
    }
    throw;
  }
}

void PostgresDatabase::transaction(const std::function<void(Session&)>& body) {
  script_transaction([&](ScriptSession& session) { body(session); });
}

int PostgresDatabase::migrate() {
  return run_migrations(*this, migrations_for(Dialect::Postgres), [&](const auto& body) {
    script_transaction([&](ScriptSession& session) {
      session.exec("SELECT pg_advisory_xact_lock($1)", {kMigrationLockKey});
      body(session);
    });
  });
}

int PostgresDatabase::schema_version() { return current_schema_version(*this); }

bool PostgresDatabase::ping() {
  try {
    return query("SELECT 1", {}).rows.at(0).integer(0) == 1;
  } catch (const std::exception&) {
    return false;
  }
}

PoolStats PostgresDatabase::stats() const {
  std::lock_guard lock(mutex_);
  return PoolStats{open_, in_use_, waiting_};
}

void PostgresDatabase::backup_to(const std::string&) {
  throw std::runtime_error("backup_to is SQLite only: use pg_dump for PostgreSQL");
}

}  // namespace od::db
