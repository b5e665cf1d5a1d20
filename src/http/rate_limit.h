// Request rate limiting: token buckets keyed by client IP or user, per route class. Two stores
// behind one interface: in-process (a single node) and Redis (every API node shares one budget).
// The middleware applies the product's rules and answers 429 + Retry-After when a bucket is empty.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "http/middleware.h"

namespace od::http {

class RateLimiter {
 public:
  struct Decision {
    bool allowed = true;
    int remaining = 0;            // whole tokens left after this request
    int retry_after_seconds = 0;  // >= 1 when denied: when the next token will be there
  };

  virtual ~RateLimiter() = default;
  // Takes one token from the bucket `key`, which holds at most `limit` tokens and refills at
  // limit/window (so a full burst of `limit` is allowed, then a steady limit per window).
  virtual Decision take(const std::string& key, int limit, std::chrono::seconds window) = 0;
};

// In-process buckets in mutex-guarded shards. Buckets idle for a whole window are full again, so
// they are dropped: memory tracks active keys only.
std::shared_ptr<RateLimiter> make_memory_rate_limiter();

// Buckets in Redis (`redis://host:port[/db]`), updated by one atomic Lua script that uses the Redis
// server's clock, so all nodes agree. Fails OPEN when Redis is unreachable (requests are allowed
// and a warning is logged at most once a minute): losing rate limiting beats losing the API.
std::shared_ptr<RateLimiter> make_redis_rate_limiter(const std::string& url);

struct RateRule {
  enum class Key { Ip, User };
  std::string name;  // part of the bucket key; unique per rule
  Key key = Key::Ip;
  std::string route_class;  // RouteOptions::rate_class it applies to; "*" = every route
  int limit = 0;
  std::chrono::seconds window{60};
};

// The product's limits: 1000/min per IP on every route, 5/min per IP for "login", 20/min per user
// for "upload", 60/min per user for "tool", 10/min per user for "ai".
std::vector<RateRule> default_rate_rules();

// Applies every rule matching the request's route class (User rules skip anonymous requests, so
// it must run after authentication). The first empty bucket answers 429 `rate_limited` with
// Retry-After; responses carry RateLimit-Limit/RateLimit-Remaining of the tightest rule.
Middleware rate_limit(std::shared_ptr<RateLimiter> limiter, std::vector<RateRule> rules);

}  // namespace od::http
