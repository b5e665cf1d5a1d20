// The few hiredis pieces the Redis bus needs: owning handles for contexts and replies (RAII, so no
// path leaks a connection), the `redis://host[:port][/db]` address, and a connect with timeouts.
#pragma once

#include <hiredis/hiredis.h>

#include <chrono>
#include <memory>
#include <string>

namespace od::events {

struct ContextFree {
  void operator()(redisContext* c) const { redisFree(c); }
};
struct ReplyFree {
  void operator()(redisReply* r) const { freeReplyObject(r); }
};
using RedisContextPtr = std::unique_ptr<redisContext, ContextFree>;
using RedisReplyPtr = std::unique_ptr<redisReply, ReplyFree>;

struct RedisAddress {
  std::string host;
  int port = 6379;
  int db = 0;
};

// Throws std::invalid_argument on anything but `redis://host[:port][/db]`.
RedisAddress parse_redis_url(const std::string& url);

// A connected context (db selected), or null with `error` set. `command_timeout` bounds every
// later read and write; zero leaves them blocking (a subscriber waits for messages indefinitely).
RedisContextPtr connect_redis(const RedisAddress& address,
                              std::chrono::milliseconds connect_timeout,
                              std::chrono::milliseconds command_timeout, std::string& error);

// One blocking command; null (with `error` set) on an I/O error or an error reply.
RedisReplyPtr redis_command(redisContext* context, std::string& error, const char* format, ...);

}  // namespace od::events
