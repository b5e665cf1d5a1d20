#include "db/postgres_connection.h"

#include <charconv>
#include <cmath>
#include <cstdlib>

#include "db/placeholders.h"

namespace od::db {
namespace {

constexpr size_t kStatementCacheSize = 256;
// Applies unless the URL sets its own connect_timeout: without one libpq waits for TCP forever.
constexpr const char* kConnectTimeoutSeconds = "10";

// Type OIDs from pg_type.h (server headers are not part of libpq-dev).
constexpr Oid kBool = 16, kInt8 = 20, kInt2 = 21, kInt4 = 23, kOid = 26, kFloat4 = 700,
              kFloat8 = 701, kNumeric = 1700;

struct ClearResult {
  void operator()(PGresult* result) const { PQclear(result); }
};
using ResultPtr = std::unique_ptr<PGresult, ClearResult>;

std::string excerpt(std::string_view sql) {
  constexpr size_t kMax = 200;
  return std::string(sql.substr(0, kMax)) + (sql.size() > kMax ? "..." : "");
}

std::string trimmed(std::string message) {
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  return message;
}

Error::Kind kind_of(std::string_view sqlstate) {
  if (sqlstate == "23505") return Error::Kind::UniqueViolation;
  if (sqlstate == "23503") return Error::Kind::ForeignKeyViolation;
  if (sqlstate == "40001" || sqlstate == "40P01" || sqlstate == "55P03") return Error::Kind::Busy;
  if (sqlstate.substr(0, 2) == "42") return Error::Kind::Syntax;
  // 08P01 is a protocol violation on a live connection, not a lost one.
  if ((sqlstate.substr(0, 2) == "08" && sqlstate != "08P01") || sqlstate.substr(0, 3) == "57P") {
    return Error::Kind::Connection;
  }
  return Error::Kind::Other;
}

std::string format(const Value& value) {
  if (const auto* n = std::get_if<int64_t>(&value)) return std::to_string(*n);
  if (const auto* s = std::get_if<std::string>(&value)) return *s;
  const double d = std::get<double>(value);
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, d);  // shortest text that round-trips
  return std::string(buf, end);
}

Value convert(const PGresult* result, int row, int col) {
  if (PQgetisnull(result, row, col)) return nullptr;
  const char* text = PQgetvalue(result, row, col);
  switch (PQftype(result, col)) {
    case kInt2:
    case kInt4:
    case kInt8:
    case kOid:
      return static_cast<int64_t>(std::strtoll(text, nullptr, 10));
    case kFloat4:
    case kFloat8:
    case kNumeric:
      return std::strtod(text, nullptr);
    case kBool:
      return static_cast<int64_t>(text[0] == 't' ? 1 : 0);
    default:
      return std::string(text, PQgetlength(result, row, col));
  }
}

}  // namespace

PostgresConnection::PostgresConnection(const std::string& url) {
  // Keywords before "dbname" are defaults the expanded URL overrides.
  const char* keys[] = {"connect_timeout", "client_encoding", "dbname", nullptr};
  const char* values[] = {kConnectTimeoutSeconds, "UTF8", url.c_str(), nullptr};
  conn_.reset(PQconnectdbParams(keys, values, /*expand_dbname=*/1));
  if (!conn_) throw Error(Error::Kind::Connection, "out of memory connecting to PostgreSQL");
  if (PQstatus(conn_.get()) != CONNECTION_OK) {
    throw Error(Error::Kind::Connection,
                "cannot connect to PostgreSQL: " + trimmed(PQerrorMessage(conn_.get())));
  }
  // Keep server notices ("relation already exists, skipping") out of the server's stderr.
  PQsetNoticeProcessor(
      conn_.get(), [](void*, const char*) {}, nullptr);
}

bool PostgresConnection::healthy() const { return PQstatus(conn_.get()) == CONNECTION_OK; }

bool PostgresConnection::idle() const { return PQtransactionStatus(conn_.get()) == PQTRANS_IDLE; }

void PostgresConnection::fail(const PGresult* result, std::string_view sql) const {
  const char* sqlstate = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  const std::string message =
      result ? trimmed(PQresultErrorMessage(result)) : trimmed(PQerrorMessage(conn_.get()));
  const Error::Kind kind = !healthy() ? Error::Kind::Connection
                           : sqlstate ? kind_of(sqlstate)
                                      : Error::Kind::Other;
  throw Error(kind, message + " (in: " + excerpt(sql) + ")");
}

const PostgresConnection::Prepared& PostgresConnection::prepare(std::string_view sql) {
  if (auto it = cache_.find(sql); it != cache_.end()) {
    lru_.splice(lru_.begin(), lru_, it->second);
    return *it->second;
  }
  if (lru_.size() >= kStatementCacheSize) {
    // Best effort: if it fails (an aborted transaction) the statement lingers until disconnect.
    ResultPtr(PQexec(conn_.get(), ("DEALLOCATE " + lru_.back().name).c_str()));
    cache_.erase(lru_.back().sql);
    lru_.pop_back();
  }
  Prepared prepared{std::string(sql), "od_" + std::to_string(next_statement_++),
                    scan_placeholders(sql).highest};
  ResultPtr result(PQprepare(conn_.get(), prepared.name.c_str(), prepared.sql.c_str(), 0, nullptr));
  if (!result || PQresultStatus(result.get()) != PGRES_COMMAND_OK) fail(result.get(), sql);
  lru_.push_front(std::move(prepared));
  cache_.emplace(lru_.front().sql, lru_.begin());
  return lru_.front();
}

Result PostgresConnection::exec(std::string_view sql, const Params& params) {
  const Prepared& prepared = prepare(sql);
  if (prepared.parameters != static_cast<int>(params.size())) {
    throw Error(Error::Kind::Other, "statement takes " + std::to_string(prepared.parameters) +
                                        " parameters, " + std::to_string(params.size()) +
                                        " given (in: " + excerpt(sql) + ")");
  }
  std::vector<std::string> texts(params.size());
  std::vector<const char*> values(params.size());
  for (size_t i = 0; i < params.size(); ++i) {
    if (std::holds_alternative<std::nullptr_t>(params[i].value)) continue;  // NULL
    texts[i] = format(params[i].value);
    values[i] = texts[i].c_str();
  }
  ResultPtr pg(PQexecPrepared(conn_.get(), prepared.name.c_str(), static_cast<int>(values.size()),
                              values.data(), nullptr, nullptr, 0));
  const ExecStatusType status = pg ? PQresultStatus(pg.get()) : PGRES_FATAL_ERROR;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) fail(pg.get(), sql);

  Result result;
  const int columns = PQnfields(pg.get());
  const int rows = PQntuples(pg.get());
  for (int c = 0; c < columns; ++c) result.columns.emplace_back(PQfname(pg.get(), c));
  result.rows.reserve(rows);
  for (int r = 0; r < rows; ++r) {
    std::vector<Value> row;
    row.reserve(columns);
    for (int c = 0; c < columns; ++c) row.push_back(convert(pg.get(), r, c));
    result.rows.emplace_back(std::move(row));
  }
  // libpq also counts the rows of a SELECT; only writes count as affected, as on SQLite.
  if (std::string_view(PQcmdStatus(pg.get())).substr(0, 6) != "SELECT") {
    result.affected_rows = std::strtoll(PQcmdTuples(pg.get()), nullptr, 10);
  }
  return result;
}

void PostgresConnection::exec_script(std::string_view sql) {
  const std::string text(sql);
  ResultPtr result(PQexec(conn_.get(), text.c_str()));
  const ExecStatusType status = result ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) fail(result.get(), sql);
}

}  // namespace od::db
