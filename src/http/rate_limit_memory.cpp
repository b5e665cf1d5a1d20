#include <array>
#include <mutex>
#include <unordered_map>

#include "http/rate_limit.h"
#include "http/token_bucket.h"

namespace od::http {
namespace {

constexpr size_t kShards = 16;
constexpr auto kSweepEvery = std::chrono::seconds(30);
constexpr size_t kSweepAboveKeys = 50'000;  // a key flood triggers early sweeps

class MemoryRateLimiter : public RateLimiter {
 public:
  Decision take(const std::string& key, int limit, std::chrono::seconds window) override {
    if (limit <= 0)
      return Decision{false, 0, static_cast<int>(std::max<int64_t>(1, window.count()))};
    Shard& shard = shards_[std::hash<std::string>{}(key) % kShards];
    auto now = std::chrono::steady_clock::now();
    std::lock_guard lock(shard.mutex);
    if (now - shard.last_sweep >= kSweepEvery || shard.buckets.size() > kSweepAboveKeys) {
      sweep(shard, now);
    }
    auto [it, inserted] = shard.buckets.try_emplace(key);
    if (inserted) it->second = TokenBucket{static_cast<double>(limit), now, window};
    return take_token(it->second, limit, window, now);
  }

 private:
  struct Shard {
    std::mutex mutex;
    std::unordered_map<std::string, TokenBucket> buckets;
    std::chrono::steady_clock::time_point last_sweep = std::chrono::steady_clock::now();
  };

  // A bucket untouched for a whole window has refilled completely: forgetting it changes nothing.
  static void sweep(Shard& shard, std::chrono::steady_clock::time_point now) {
    std::erase_if(shard.buckets, [now](const auto& entry) {
      return now - entry.second.updated >= entry.second.window;
    });
    shard.last_sweep = now;
  }

  std::array<Shard, kShards> shards_;
};

}  // namespace

std::shared_ptr<RateLimiter> make_memory_rate_limiter() {
  return std::make_shared<MemoryRateLimiter>();
}

}  // namespace od::http
