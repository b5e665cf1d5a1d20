#include "collab/compaction_lock.h"

#include <mutex>
#include <set>

#include "core/crypto.h"
#include "core/log.h"
#include "redis/client.h"

namespace od::collab {
namespace {

using std::chrono::milliseconds;

class LocalCompactionLock : public CompactionLock {
 public:
  std::optional<std::string> try_lock(const std::string& room, milliseconds) override {
    std::lock_guard lock(mutex_);
    if (!held_.insert(room).second) return std::nullopt;
    return room;
  }
  void unlock(const std::string& room, const std::string&) override {
    std::lock_guard lock(mutex_);
    held_.erase(room);
  }

 private:
  std::mutex mutex_;
  std::set<std::string> held_;
};

// Deletes the key only if it still holds our token: a holder whose lock expired must not free
// the lock another instance took since.
constexpr char kReleaseScript[] =
    "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) "
    "else return 0 end";

class RedisCompactionLock : public CompactionLock {
 public:
  RedisCompactionLock(const std::string& url, std::string prefix)
      : address_(redis::parse_url(url)), prefix_(std::move(prefix)) {}

  std::optional<std::string> try_lock(const std::string& room, milliseconds ttl) override {
    std::string key = prefix_ + room;
    std::string token = crypto::hex_encode(crypto::random_bytes(16));
    std::string ttl_ms = std::to_string(ttl.count());
    auto reply = run("SET %b %b NX PX %b", key, token, ttl_ms);
    if (!reply || reply->type != REDIS_REPLY_STATUS) return std::nullopt;  // nil: taken
    return token;
  }

  void unlock(const std::string& room, const std::string& token) override {
    std::string key = prefix_ + room;
    std::lock_guard lock(mutex_);
    std::string error;
    if (!connected(error) ||
        !redis::command(context_.get(), error, "EVAL %s 1 %b %b", kReleaseScript, key.data(),
                        key.size(), token.data(), token.size())) {
      context_.reset();  // the key expires on its own
    }
  }

 private:
  redis::ReplyPtr run(const char* format, const std::string& a, const std::string& b,
                      const std::string& c) {
    std::lock_guard lock(mutex_);
    std::string error;
    for (int attempt = 0; attempt < 2; ++attempt) {
      if (!connected(error)) break;
      auto reply = redis::command(context_.get(), error, format, a.data(), a.size(), b.data(),
                                  b.size(), c.data(), c.size());
      if (reply) return reply;
      context_.reset();
    }
    log::warn("collab: compaction lock unavailable", {{"error", error}});
    return nullptr;
  }

  bool connected(std::string& error) {
    if (!context_) context_ = redis::connect(address_, milliseconds(500), milliseconds(500), error);
    return context_ != nullptr;
  }

  const redis::Address address_;
  const std::string prefix_;
  std::mutex mutex_;
  redis::ContextPtr context_;
};

}  // namespace

std::unique_ptr<CompactionLock> make_local_compaction_lock() {
  return std::make_unique<LocalCompactionLock>();
}

std::unique_ptr<CompactionLock> make_redis_compaction_lock(const std::string& redis_url,
                                                           std::string prefix) {
  return std::make_unique<RedisCompactionLock>(redis_url, std::move(prefix));
}

}  // namespace od::collab
