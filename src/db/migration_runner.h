// The migration procedure both drivers share: which versions are pending, one transaction per
// migration together with its schema_migrations row, and a re-check under the driver's lock so
// several processes migrating at once apply each version exactly once. Drivers supply the lock
// (SQLite: BEGIN IMMEDIATE; PostgreSQL: an advisory transaction lock).
#pragma once

#include <functional>
#include <string_view>
#include <vector>

#include "db/database.h"
#include "db/migrations.h"

namespace od::db {

// A transaction's session that can also run a multi-statement script (a migration file).
class ScriptSession : public Session {
 public:
  virtual void exec_script(std::string_view sql) = 0;
};

// Runs `body` in one write transaction that holds the database-wide migration lock.
using LockedTransaction = std::function<void(const std::function<void(ScriptSession&)>& body)>;

// Applies the migrations not yet recorded; returns how many this call applied.
int run_migrations(Database& db, const std::vector<Migration>& migrations,
                   const LockedTransaction& locked_transaction);

// Latest applied version, 0 when schema_migrations does not exist yet.
int current_schema_version(Database& db);

}  // namespace od::db
