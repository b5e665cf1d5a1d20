// Stores write SQL once with PostgreSQL-style $1..$N parameters. SQLite reads `$1` as a *named*
// parameter numbered by first appearance, so reused or out-of-order parameters would bind wrongly;
// this rewrites them to SQLite's numbered `?1` form, leaving string literals, quoted identifiers
// and comments untouched. It also reports the highest parameter used, so drivers can check the
// number of bound values before the server does (with a clearer message).
#pragma once

#include <string>
#include <string_view>

namespace od::db {

struct PlaceholderScan {
  std::string sqlite_sql;  // the statement with $N rewritten to ?N
  int highest = 0;         // largest N seen, 0 when the statement has no parameters
};

PlaceholderScan scan_placeholders(std::string_view sql);

}  // namespace od::db
