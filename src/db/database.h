// The storage interface every domain store uses: one API over SQLite (embedded default) and
// PostgreSQL (scaled out). SQL is written once, portably, with $1..$N parameters; drivers adapt it.
//
// Portable SQL rules the stores follow: ids are TEXT (UUIDv7), times are BIGINT Unix milliseconds,
// booleans are INTEGER 0/1, JSON is TEXT, no AUTOINCREMENT/SERIAL, `ON CONFLICT` and `RETURNING`
// are fine on both, case-insensitive search uses lower(x) LIKE lower($n).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace od::db {

using Value = std::variant<std::nullptr_t, int64_t, double, std::string>;

// A bound parameter: converts from the C++ types stores use.
struct Param {
  Value value;
  Param(std::nullptr_t) : value(nullptr) {}
  Param(int v) : value(static_cast<int64_t>(v)) {}
  Param(int64_t v) : value(v) {}
  Param(bool v) : value(static_cast<int64_t>(v ? 1 : 0)) {}
  Param(double v) : value(v) {}
  Param(const char* v) : value(std::string(v)) {}
  Param(std::string v) : value(std::move(v)) {}
  Param(std::string_view v) : value(std::string(v)) {}
  template <typename T>
  Param(const std::optional<T>& v) : Param(v ? Param(*v) : Param(nullptr)) {}
};
using Params = std::vector<Param>;

class Row {
 public:
  explicit Row(std::vector<Value> values) : values_(std::move(values)) {}
  size_t size() const { return values_.size(); }
  bool is_null(size_t i) const;
  int64_t integer(size_t i) const;  // NULL reads as 0; text holding a number is converted
  double real(size_t i) const;
  bool boolean(size_t i) const { return integer(i) != 0; }
  std::string text(size_t i) const;  // NULL reads as ""
  std::optional<std::string> optional_text(size_t i) const;
  std::optional<int64_t> optional_integer(size_t i) const;
  const Value& value(size_t i) const { return values_.at(i); }

 private:
  std::vector<Value> values_;
};

struct Result {
  std::vector<std::string> columns;
  std::vector<Row> rows;
  int64_t affected_rows = 0;  // for INSERT/UPDATE/DELETE

  bool empty() const { return rows.empty(); }
  const Row* first() const { return rows.empty() ? nullptr : &rows.front(); }
};

// Failures from the database. Stores map the kinds they expect (a unique key taken) to ApiErrors;
// the rest surface as 500/503.
class Error : public std::runtime_error {
 public:
  enum class Kind { UniqueViolation, ForeignKeyViolation, Busy, Connection, Syntax, Other };
  Error(Kind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}
  Kind kind() const { return kind_; }

 private:
  Kind kind_;
};

enum class Dialect { Sqlite, Postgres };

// One connection, held for a transaction's lifetime.
class Session {
 public:
  virtual ~Session() = default;
  virtual Result exec(std::string_view sql, const Params& params = {}) = 0;
};

struct PoolStats {
  int size = 0;     // connections open
  int in_use = 0;   // connections lent out now
  int waiting = 0;  // callers waiting for a connection
};

struct Options {
  int pool_size = 8;             // readers (SQLite) or connections (PostgreSQL)
  int busy_timeout_ms = 5000;    // SQLite busy timeout; PostgreSQL connection wait
  bool synchronous_full = true;  // SQLite: fsync every commit (survives power loss, not just crash)
};

class Database {
 public:
  virtual ~Database() = default;

  // "sqlite:/path/to/file.db" (or "sqlite::memory:") or "postgres://user@host:port/db?...".
  // Throws Error(Kind::Connection) when it cannot connect.
  static std::unique_ptr<Database> open(const std::string& url, const Options& options = {});

  virtual Dialect dialect() const = 0;

  // A read-only statement (SQLite runs it on a reader connection, concurrently with the writer).
  virtual Result query(std::string_view sql, const Params& params = {}) = 0;
  // A single write statement, committed on return.
  virtual Result execute(std::string_view sql, const Params& params = {}) = 0;
  // Runs `body` in one write transaction: committed when it returns, rolled back when it throws
  // (the exception propagates unchanged).
  virtual void transaction(const std::function<void(Session&)>& body) = 0;

  // Applies the embedded migrations not yet applied, in order; safe to run from several processes
  // at once. Returns how many were applied.
  virtual int migrate() = 0;
  // Latest applied migration version, 0 for an empty database.
  virtual int schema_version() = 0;

  virtual bool ping() = 0;
  virtual PoolStats stats() const = 0;

  // SQLite only: a consistent online copy of the database into `path` (VACUUM INTO). Throws
  // for PostgreSQL (use pg_dump there).
  virtual void backup_to(const std::string& path) = 0;
};

}  // namespace od::db
