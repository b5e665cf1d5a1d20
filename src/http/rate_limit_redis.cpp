#include <hiredis/hiredis.h>
#include <openssl/sha.h>

#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>

#include "core/crypto.h"
#include "core/log.h"
#include "http/rate_limit.h"
#include "redis/client.h"

namespace od::http {
namespace {

// KEYS[1] bucket; ARGV[1] limit, ARGV[2] window in ms. Uses the Redis clock so every API node
// sees one time; an idle bucket expires after a window, by which point it would be full anyway.
// Returns {allowed, whole tokens left, ms until the next token}.
constexpr char kScript[] = R"lua(
local limit = tonumber(ARGV[1])
local window_ms = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local state = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(state[1])
local ts = tonumber(state[2])
if tokens == nil or ts == nil then
  tokens = limit
  ts = now
end
local rate = limit / window_ms
tokens = math.min(limit, tokens + math.max(0, now - ts) * rate)
local allowed = 0
local wait_ms = 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
else
  wait_ms = math.ceil((1 - tokens) / rate)
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', tostring(now))
redis.call('PEXPIRE', KEYS[1], window_ms)
return {allowed, math.floor(tokens), wait_ms}
)lua";

constexpr auto kConnectTimeout = std::chrono::milliseconds(300);
constexpr auto kCommandTimeout = std::chrono::milliseconds(500);
constexpr auto kReconnectBackoff = std::chrono::seconds(1);
constexpr auto kWarnEvery = std::chrono::minutes(1);

// EVALSHA names a script by the SHA-1 of its text.
std::string sha1_hex(std::string_view text) {
  unsigned char digest[SHA_DIGEST_LENGTH];
  SHA1(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest);
  return crypto::hex_encode(std::string_view(reinterpret_cast<const char*>(digest), sizeof digest));
}

// One connection behind a mutex: each take() is a single short round trip, so contention is
// cheap next to the request it guards. On any error the connection is dropped and rebuilt.
class RedisRateLimiter : public RateLimiter {
 public:
  explicit RedisRateLimiter(const std::string& url)
      : address_(redis::parse_url(url)), script_sha_(sha1_hex(kScript)) {}

  Decision take(const std::string& key, int limit, std::chrono::seconds window) override {
    std::lock_guard lock(mutex_);
    std::string error;
    if (ensure_connected(error)) {
      if (auto decision = run_script(key, limit, window, error)) return *decision;
      context_.reset();
      failed_at_ = std::chrono::steady_clock::now();
    }
    warn_fail_open(error);
    return Decision{true, limit, 0};
  }

 private:
  bool ensure_connected(std::string& error) {
    if (context_) return true;
    auto now = std::chrono::steady_clock::now();
    // While Redis is down, do not make every request wait for a connect timeout.
    if (failed_at_ && now - *failed_at_ < kReconnectBackoff) {
      error = "Redis unreachable (backing off)";
      return false;
    }
    redis::ContextPtr c = redis::connect(address_, kConnectTimeout, kCommandTimeout, error);
    if (!c) {
      failed_at_ = now;
      return false;
    }
    context_ = std::move(c);
    failed_at_.reset();
    return true;
  }

  std::optional<Decision> run_script(const std::string& key, int limit, std::chrono::seconds window,
                                     std::string& error) {
    const std::string full_key = "od:ratelimit:" + key;
    const std::string limit_text = std::to_string(limit);
    const std::string window_text = std::to_string(std::max<int64_t>(1, window.count()) * 1000);
    redis::ReplyPtr reply(static_cast<redisReply*>(
        redisCommand(context_.get(), "EVALSHA %s 1 %b %s %s", script_sha_.c_str(), full_key.data(),
                     full_key.size(), limit_text.c_str(), window_text.c_str())));
    if (reply && reply->type == REDIS_REPLY_ERROR &&
        std::string_view(reply->str, reply->len).starts_with("NOSCRIPT")) {
      reply.reset(static_cast<redisReply*>(redisCommand(context_.get(), "EVAL %s 1 %b %s %s",
                                                        kScript, full_key.data(), full_key.size(),
                                                        limit_text.c_str(), window_text.c_str())));
    }
    if (!reply) {
      error = context_->errstr;
      return std::nullopt;
    }
    if (reply->type != REDIS_REPLY_ARRAY || reply->elements != 3) {
      error = reply->type == REDIS_REPLY_ERROR ? std::string(reply->str, reply->len)
                                               : "unexpected reply to the rate-limit script";
      return std::nullopt;
    }
    Decision d;
    d.allowed = reply->element[0]->integer == 1;
    d.remaining = static_cast<int>(reply->element[1]->integer);
    if (!d.allowed) {
      d.retry_after_seconds =
          std::max(1, static_cast<int>((reply->element[2]->integer + 999) / 1000));
    }
    return d;
  }

  void warn_fail_open(const std::string& error) {
    auto now = std::chrono::steady_clock::now();
    if (warned_at_ && now - *warned_at_ < kWarnEvery) return;
    warned_at_ = now;
    log::warn("rate limiter failing open: Redis unavailable",
              {{"host", address_.host}, {"port", address_.port}, {"error", error}});
  }

  const redis::Address address_;
  const std::string script_sha_;
  std::mutex mutex_;
  redis::ContextPtr context_;
  std::optional<std::chrono::steady_clock::time_point> failed_at_;
  std::optional<std::chrono::steady_clock::time_point> warned_at_;
};

}  // namespace

std::shared_ptr<RateLimiter> make_redis_rate_limiter(const std::string& url) {
  return std::make_shared<RedisRateLimiter>(url);
}

}  // namespace od::http
