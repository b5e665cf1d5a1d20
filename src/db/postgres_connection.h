// One libpq connection with a bounded cache of server-side prepared statements keyed by SQL text,
// so each distinct statement is parsed and planned once per connection. Parameters travel as text
// with types inferred by the server, which keeps the portable SQL free of casts. Not thread-safe:
// PostgresDatabase lends each connection to one thread at a time.
#pragma once

#include <libpq-fe.h>

#include <list>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "db/database.h"

namespace od::db {

class PostgresConnection {
 public:
  // Connects to `url` (any libpq conninfo); throws Error(Kind::Connection) when it cannot.
  explicit PostgresConnection(const std::string& url);

  // False once the server went away; such a connection is replaced, never reused.
  bool healthy() const;
  // True when no transaction is open (a connection lent back mid-transaction is not reusable).
  bool idle() const;

  Result exec(std::string_view sql, const Params& params);
  // Several statements, no parameters (migration files, BEGIN/COMMIT).
  void exec_script(std::string_view sql);

 private:
  struct FinishConn {
    void operator()(PGconn* conn) const { PQfinish(conn); }
  };
  struct Prepared {
    std::string sql;
    std::string name;
    int parameters;
  };

  const Prepared& prepare(std::string_view sql);
  [[noreturn]] void fail(const PGresult* result, std::string_view sql) const;

  std::unique_ptr<PGconn, FinishConn> conn_;
  std::list<Prepared> lru_;  // most recently used first
  std::unordered_map<std::string_view, std::list<Prepared>::iterator> cache_;
  uint64_t next_statement_ = 0;
};

}  // namespace od::db
