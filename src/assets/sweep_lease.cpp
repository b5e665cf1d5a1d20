#include "assets/sweep_lease.h"

namespace od::assets {

bool SweepLease::try_take(const std::string& name, const std::string& holder, int64_t now_ms,
                          int64_t until_ms) {
  // One statement, atomic on both databases: the conditional update is what decides.
  return db_.execute(
                "INSERT INTO sweep_leases (name, holder, expires_at) VALUES ($1, $2, $3) "
                "ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, "
                "expires_at = excluded.expires_at "
                "WHERE sweep_leases.expires_at <= $4 OR sweep_leases.holder = excluded.holder",
                {name, holder, until_ms, now_ms})
             .affected_rows > 0;
}

}  // namespace od::assets
