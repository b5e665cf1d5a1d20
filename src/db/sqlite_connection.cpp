#include "db/sqlite_connection.h"

#include <cctype>

#include "db/placeholders.h"

namespace od::db {
namespace {

constexpr size_t kStatementCacheSize = 256;

// Resets a statement when a call ends, however it ends, so the next use starts clean and text
// bound without copying (SQLITE_STATIC) is never read after the caller's Params are gone.
class ResetOnExit {
 public:
  explicit ResetOnExit(sqlite3_stmt* stmt) : stmt_(stmt) {}
  ~ResetOnExit() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  ResetOnExit(const ResetOnExit&) = delete;
  ResetOnExit& operator=(const ResetOnExit&) = delete;

 private:
  sqlite3_stmt* stmt_;
};

Error::Kind kind_of(int extended_rc, bool preparing) {
  switch (extended_rc) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY:
      return Error::Kind::UniqueViolation;
    case SQLITE_CONSTRAINT_FOREIGNKEY:
      return Error::Kind::ForeignKeyViolation;
  }
  switch (extended_rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Error::Kind::Busy;
    case SQLITE_CANTOPEN:
    case SQLITE_NOTADB:
      return Error::Kind::Connection;
    case SQLITE_ERROR:
      // A statement that does not compile (bad syntax, unknown table or column): the same class
      // of mistake PostgreSQL reports as SQLSTATE 42xxx.
      return preparing ? Error::Kind::Syntax : Error::Kind::Other;
  }
  return Error::Kind::Other;
}

std::string excerpt(std::string_view sql) {
  constexpr size_t kMax = 200;
  return std::string(sql.substr(0, kMax)) + (sql.size() > kMax ? "..." : "");
}

bool only_whitespace(const char* s) {
  while (*s != '\0' && (std::isspace(static_cast<unsigned char>(*s)) || *s == ';')) ++s;
  return *s == '\0';
}

void bind(sqlite3_stmt* stmt, int index, const Value& value) {
  if (const auto* n = std::get_if<int64_t>(&value)) {
    sqlite3_bind_int64(stmt, index, *n);
  } else if (const auto* d = std::get_if<double>(&value)) {
    sqlite3_bind_double(stmt, index, *d);
  } else if (const auto* s = std::get_if<std::string>(&value)) {
    sqlite3_bind_text64(stmt, index, s->data(), s->size(), SQLITE_STATIC, SQLITE_UTF8);
  } else {
    sqlite3_bind_null(stmt, index);
  }
}

Value column(sqlite3_stmt* stmt, int i) {
  switch (sqlite3_column_type(stmt, i)) {
    case SQLITE_INTEGER:
      return static_cast<int64_t>(sqlite3_column_int64(stmt, i));
    case SQLITE_FLOAT:
      return sqlite3_column_double(stmt, i);
    case SQLITE_TEXT:
      return std::string(reinterpret_cast<const char*>(sqlite3_column_text(stmt, i)),
                         sqlite3_column_bytes(stmt, i));
    case SQLITE_BLOB: {
      const void* data = sqlite3_column_blob(stmt, i);
      return std::string(static_cast<const char*>(data), data ? sqlite3_column_bytes(stmt, i) : 0);
    }
    default:
      return nullptr;
  }
}

}  // namespace

SqliteConnection::SqliteConnection(const std::string& path, const Options& options, Role role) {
  const int flags =
      SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (role == Role::Writer ? SQLITE_OPEN_CREATE : 0);
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  db_.reset(raw);
  if (rc != SQLITE_OK) {
    throw Error(Error::Kind::Connection, "cannot open SQLite database " + path + ": " +
                                             (raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc)));
  }
  sqlite3_extended_result_codes(raw, 1);
  sqlite3_busy_timeout(raw, options.busy_timeout_ms);
  exec_script(std::string("PRAGMA foreign_keys = ON; PRAGMA synchronous = ") +
              (options.synchronous_full ? "FULL" : "NORMAL"));
  if (role == Role::Writer) {
    Result mode = exec("PRAGMA journal_mode = WAL", {});
    if (mode.empty() || mode.rows[0].text(0) != "wal") {
      throw Error(Error::Kind::Connection, "cannot switch " + path + " to WAL mode");
    }
  } else {
    exec_script("PRAGMA query_only = 1");
  }
}

void SqliteConnection::fail(int rc, std::string_view sql, bool preparing) const {
  const int extended = sqlite3_extended_errcode(db_.get());
  throw Error(kind_of(extended != SQLITE_OK ? extended : rc, preparing),
              std::string(sqlite3_errmsg(db_.get())) + " (in: " + excerpt(sql) + ")");
}

sqlite3_stmt* SqliteConnection::prepare(std::string_view sql) {
  if (auto it = cache_.find(sql); it != cache_.end()) {
    lru_.splice(lru_.begin(), lru_, it->second);
    return it->second->stmt.get();
  }
  const std::string rewritten = scan_placeholders(sql).sqlite_sql;
  sqlite3_stmt* raw = nullptr;
  const char* tail = nullptr;
  const int rc =
      sqlite3_prepare_v3(db_.get(), rewritten.c_str(), static_cast<int>(rewritten.size()),
                         SQLITE_PREPARE_PERSISTENT, &raw, &tail);
  StmtPtr stmt(raw);
  if (rc != SQLITE_OK) fail(rc, sql, true);
  if (!stmt) throw Error(Error::Kind::Syntax, "empty statement: " + excerpt(sql));
  if (tail && !only_whitespace(tail)) {
    throw Error(Error::Kind::Syntax,
                "one statement per call (use a migration for scripts): " + excerpt(sql));
  }
  if (lru_.size() >= kStatementCacheSize) {
    cache_.erase(lru_.back().sql);
    lru_.pop_back();
  }
  lru_.push_front(Cached{std::string(sql), std::move(stmt)});
  cache_.emplace(lru_.front().sql, lru_.begin());
  return lru_.front().stmt.get();
}

Result SqliteConnection::exec(std::string_view sql, const Params& params) {
  sqlite3_stmt* stmt = prepare(sql);
  ResetOnExit reset(stmt);
  const int expected = sqlite3_bind_parameter_count(stmt);
  if (expected != static_cast<int>(params.size())) {
    throw Error(Error::Kind::Other, "statement takes " + std::to_string(expected) +
                                        " parameters, " + std::to_string(params.size()) +
                                        " given (in: " + excerpt(sql) + ")");
  }
  for (size_t i = 0; i < params.size(); ++i) bind(stmt, static_cast<int>(i + 1), params[i].value);

  Result result;
  const int columns = sqlite3_column_count(stmt);
  for (int i = 0; i < columns; ++i) result.columns.emplace_back(sqlite3_column_name(stmt, i));
  const int64_t changes_before = sqlite3_total_changes64(db_.get());
  for (;;) {
    const int rc = sqlite3_step(stmt);
    if (rc == SQLITE_DONE) break;
    if (rc != SQLITE_ROW) fail(rc, sql, false);
    std::vector<Value> values;
    values.reserve(columns);
    for (int i = 0; i < columns; ++i) values.push_back(column(stmt, i));
    result.rows.emplace_back(std::move(values));
  }
  // sqlite3_changes() keeps the count of the last INSERT/UPDATE/DELETE, so a SELECT or DDL
  // statement would report a stale number; the total only moves when this statement wrote.
  if (sqlite3_total_changes64(db_.get()) != changes_before) {
    result.affected_rows = sqlite3_changes64(db_.get());
  }
  return result;
}

void SqliteConnection::exec_script(std::string_view sql) {
  const std::string text(sql);
  char* message = nullptr;
  const int rc = sqlite3_exec(db_.get(), text.c_str(), nullptr, nullptr, &message);
  if (rc == SQLITE_OK) return;
  const std::string detail = message ? message : sqlite3_errstr(rc);
  sqlite3_free(message);
  const int extended = sqlite3_extended_errcode(db_.get());
  throw Error(kind_of(extended, true), detail + " (in: " + excerpt(sql) + ")");
}

}  // namespace od::db
