// One SQLite connection with the pragmas the server relies on and a bounded cache of prepared
// statements keyed by SQL text (stores run the same few statements over and over). Not
// thread-safe: SqliteDatabase lends each connection to one thread at a time.
#pragma once

#include <sqlite3.h>

#include <list>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "db/database.h"

namespace od::db {

class SqliteConnection {
 public:
  enum class Role { Writer, Reader };

  // Opens (the writer also creates) `path`; throws Error(Kind::Connection) when it cannot.
  SqliteConnection(const std::string& path, const Options& options, Role role);

  Result exec(std::string_view sql, const Params& params);
  // Several statements, no parameters (migration files, pragmas).
  void exec_script(std::string_view sql);

 private:
  struct CloseDb {
    void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
  };
  struct FinalizeStmt {
    void operator()(sqlite3_stmt* stmt) const { sqlite3_finalize(stmt); }
  };
  using StmtPtr = std::unique_ptr<sqlite3_stmt, FinalizeStmt>;
  struct Cached {
    std::string sql;
    StmtPtr stmt;
  };

  sqlite3_stmt* prepare(std::string_view sql);
  [[noreturn]] void fail(int rc, std::string_view sql, bool preparing) const;

  // Declared first so it is destroyed last, after every statement is finalized.
  std::unique_ptr<sqlite3, CloseDb> db_;
  std::list<Cached> lru_;  // most recently used first
  std::unordered_map<std::string_view, std::list<Cached>::iterator> cache_;
};

}  // namespace od::db
