// The hiredis pieces every Redis user here shares (event bus, rate limiter, readiness check):
// owning handles for contexts and replies (RAII, so no path leaks a connection), the
// `redis://host[:port][/db]` address, and a connect with timeouts.
#pragma once

#include <hiredis/hiredis.h>

#include <chrono>
#include <memory>
#include <string>

namespace od::redis {

struct ContextFree {
  void operator()(redisContext* c) const { redisFree(c); }
};
struct ReplyFree {
  void operator()(redisReply* r) const { freeReplyObject(r); }
};
using ContextPtr = std::unique_ptr<redisContext, ContextFree>;
using ReplyPtr = std::unique_ptr<redisReply, ReplyFree>;

struct Address {
  std::string host;
  int port = 6379;
  int db = 0;
};

// Throws std::invalid_argument on anything but `redis://host[:port][/db]`.
Address parse_url(const std::string& url);

// A connected context (db selected), or null with `error` set. `command_timeout` bounds every
// later read and write; zero leaves them blocking (a subscriber waits for messages indefinitely).
ContextPtr connect(const Address& address, std::chrono::milliseconds connect_timeout,
                   std::chrono::milliseconds command_timeout, std::string& error);

// True when a fresh connection to `address` answers PING within `timeout` (readiness checks).
bool ping(const Address& address, std::chrono::milliseconds timeout);

// One blocking command; null (with `error` set) on an I/O error or an error reply.
ReplyPtr command(redisContext* context, std::string& error, const char* format, ...);

}  // namespace od::redis
