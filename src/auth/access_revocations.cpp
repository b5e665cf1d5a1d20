#include "auth/access_revocations.h"

#include <algorithm>

#include "core/time.h"

namespace od::auth {

void AccessRevocations::revoke(const std::string& user_id, int64_t at_ms) {
  std::lock_guard lock(mutex_);
  // Entries older than a token lifetime protect nothing (every token they refuse has expired).
  int64_t horizon = now_ms() - ttl_ms_ - 1000;
  std::erase_if(not_before_, [horizon](const auto& entry) { return entry.second < horizon; });
  int64_t& not_before = not_before_[user_id];
  not_before = std::max(not_before, at_ms);
  empty_ = false;
}

bool AccessRevocations::is_revoked(const std::string& user_id, int64_t issued_at_ms) const {
  if (empty_.load(std::memory_order_acquire)) return false;
  std::lock_guard lock(mutex_);
  auto it = not_before_.find(user_id);
  return it != not_before_.end() && issued_at_ms <= it->second;
}

}  // namespace od::auth
