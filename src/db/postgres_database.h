// The scaled-out driver: a bounded pool of libpq connections, opened lazily and replaced when
// found broken. Callers beyond the pool wait up to busy_timeout_ms and then get Kind::Busy, so
// a slow database turns into quick 503s rather than an unbounded queue of blocked threads.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "db/database.h"
#include "db/migration_runner.h"
#include "db/postgres_connection.h"

namespace od::db {

class PostgresDatabase final : public Database {
 public:
  // Connects once up front so a wrong URL fails at startup (Kind::Connection).
  PostgresDatabase(std::string url, const Options& options);

  Dialect dialect() const override { return Dialect::Postgres; }
  Result query(std::string_view sql, const Params& params) override;
  Result execute(std::string_view sql, const Params& params) override;
  void transaction(const std::function<void(Session&)>& body) override;
  int migrate() override;
  int schema_version() override;
  bool ping() override;
  PoolStats stats() const override;
  void backup_to(const std::string& path) override;

 private:
  class Lease;

  void script_transaction(const std::function<void(ScriptSession&)>& body);
  std::unique_ptr<PostgresConnection> acquire();
  void release(std::unique_ptr<PostgresConnection> connection);

  const std::string url_;
  const Options options_;

  mutable std::mutex mutex_;
  std::condition_variable returned_;
  std::vector<std::unique_ptr<PostgresConnection>> idle_;
  int open_ = 0;
  int in_use_ = 0;
  int waiting_ = 0;
};

}  // namespace od::db
