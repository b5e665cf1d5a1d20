// Access tokens are stateless for speed (no database read per request), so ending a user's
// sessions cannot reach the access tokens already handed out. This in-memory list closes that
// gap: after an account is deleted, demoted or signed out everywhere, its tokens issued until then
// are refused. Entries are needed only for one access-token lifetime, then dropped. Other
// instances learn of revocations through the event bus (see app/).
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

namespace od::auth {

class AccessRevocations {
 public:
  explicit AccessRevocations(int64_t token_ttl_seconds) : ttl_ms_(token_ttl_seconds * 1000) {}

  // Refuses the user's tokens issued before `at_ms`.
  void revoke(const std::string& user_id, int64_t at_ms);
  bool is_revoked(const std::string& user_id, int64_t issued_at_ms) const;

 private:
  int64_t ttl_ms_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, int64_t> not_before_;  // user -> first acceptable iat (ms)
  std::atomic<bool> empty_{true};                        // the common case skips the lock entirely
};

}  // namespace od::auth
