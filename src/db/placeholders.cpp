#include "db/placeholders.h"

#include <cctype>

namespace od::db {
namespace {

bool is_digit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }

// Index just past a quoted run starting at `start` (the opening quote); a doubled quote is an
// escaped one. An unterminated run extends to the end: the server reports that error.
size_t skip_quoted(std::string_view sql, size_t start) {
  const char quote = sql[start];
  size_t i = start + 1;
  while (i < sql.size()) {
    if (sql[i] == quote) {
      if (i + 1 < sql.size() && sql[i + 1] == quote) {
        i += 2;
        continue;
      }
      return i + 1;
    }
    ++i;
  }
  return i;
}

size_t skip_line_comment(std::string_view sql, size_t start) {
  size_t end = sql.find('\n', start);
  return end == std::string_view::npos ? sql.size() : end + 1;
}

size_t skip_block_comment(std::string_view sql, size_t start) {
  size_t end = sql.find("*/", start + 2);
  return end == std::string_view::npos ? sql.size() : end + 2;
}

}  // namespace

PlaceholderScan scan_placeholders(std::string_view sql) {
  PlaceholderScan scan;
  scan.sqlite_sql.reserve(sql.size());
  size_t i = 0;
  while (i < sql.size()) {
    const char c = sql[i];
    size_t next = i + 1;
    if (c == '\'' || c == '"') {
      next = skip_quoted(sql, i);
    } else if (c == '-' && sql.substr(i, 2) == "--") {
      next = skip_line_comment(sql, i);
    } else if (c == '/' && sql.substr(i, 2) == "/*") {
      next = skip_block_comment(sql, i);
    } else if (c == '$' && i + 1 < sql.size() && is_digit(sql[i + 1])) {
      next = i + 1;
      int n = 0;
      while (next < sql.size() && is_digit(sql[next]) && n < 1'000'000) {
        n = n * 10 + (sql[next] - '0');
        ++next;
      }
      if (n > scan.highest) scan.highest = n;
      scan.sqlite_sql += '?';
      scan.sqlite_sql.append(sql.substr(i + 1, next - i - 1));
      i = next;
      continue;
    }
    scan.sqlite_sql.append(sql.substr(i, next - i));
    i = next;
  }
  return scan;
}

}  // namespace od::db
