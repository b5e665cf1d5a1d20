// Token-bucket arithmetic shared by the in-process limiter (the Redis limiter runs the same
// rules in Lua, next to the data). Private to src/http/.
#pragma once

#include <algorithm>
#include <chrono>
#include <cmath>

#include "http/rate_limit.h"

namespace od::http {

struct TokenBucket {
  double tokens = 0;
  std::chrono::steady_clock::time_point updated;
  std::chrono::seconds window{0};
};

inline RateLimiter::Decision take_token(TokenBucket& bucket, int limit, std::chrono::seconds window,
                                        std::chrono::steady_clock::time_point now) {
  const double per_second = static_cast<double>(limit) / std::max<double>(1, window.count());
  double elapsed = std::chrono::duration<double>(now - bucket.updated).count();
  bucket.tokens = std::min<double>(limit, bucket.tokens + std::max(0.0, elapsed) * per_second);
  bucket.updated = now;
  bucket.window = window;
  RateLimiter::Decision d;
  if (bucket.tokens >= 1) {
    bucket.tokens -= 1;
    d.allowed = true;
    d.remaining = static_cast<int>(bucket.tokens);
  } else {
    d.allowed = false;
    d.retry_after_seconds =
        std::max(1, static_cast<int>(std::ceil((1 - bucket.tokens) / per_second)));
  }
  return d;
}

}  // namespace od::http
