// The sweep_leases table: a named lease that one instance at a time holds until it expires, so
// periodic work shared by several instances on one database runs once per interval. A holder
// that dies simply lets its lease expire.
#pragma once

#include <cstdint>
#include <string>

#include "db/database.h"

namespace od::assets {

class SweepLease {
 public:
  explicit SweepLease(db::Database& db) : db_(db) {}

  // True when `holder` now holds `name` until `until_ms`: there was no lease, it had expired
  // by `now_ms`, or `holder` held it already.
  bool try_take(const std::string& name, const std::string& holder, int64_t now_ms,
                int64_t until_ms);

 private:
  db::Database& db_;
};

}  // namespace od::assets
