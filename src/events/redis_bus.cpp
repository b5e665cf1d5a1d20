// The Redis transport. Publishing uses one connection behind a mutex (a PUBLISH is one short round
// trip). Receiving uses a reader thread with its own connection that PSUBSCRIBEs to every channel
// under the prefix and hands each event to this node's registry: one pattern instead of a SUBSCRIBE
// per topic keeps the reader free of cross-thread subscription bookkeeping, at the price of every
// node seeing every event (cheap at our rates; filtered locally by topic).
//
// When Redis goes away the reader reconnects with capped exponential backoff, logging once per
// outage; events published meanwhile are lost (they are notifications, clients refetch). Stopping
// shuts the reader's socket down, which ends its blocking read at once: no polling.
#include <sys/socket.h>

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>

#include "core/ids.h"
#include "core/log.h"
#include "core/time.h"
#include "events/bus.h"
#include "events/subscriber_registry.h"
#include "redis/client.h"

namespace od::events {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr milliseconds kConnectTimeout{500};
constexpr milliseconds kPublishTimeout{500};
constexpr milliseconds kFirstBackoff{100};
constexpr milliseconds kMaxBackoff{5000};
// While the publisher cannot reach Redis, publish() skips it for this long rather than making
// every request that publishes wait for a connect timeout.
constexpr milliseconds kPublishRetryAfter{1000};

// PSUBSCRIBE treats * ? [ ] \ as glob syntax; the prefix is meant literally.
std::string glob_escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

class RedisBus : public EventBus {
 public:
  RedisBus(const std::string& url, std::string channel_prefix)
      : address_(redis::parse_url(url)), prefix_(std::move(channel_prefix)) {}

  ~RedisBus() override {
    {
      std::lock_guard lock(reader_mutex_);
      stopping_ = true;
      if (reader_fd_ >= 0) ::shutdown(reader_fd_, SHUT_RDWR);
    }
    reader_changed_.notify_all();
    if (reader_.joinable()) reader_.join();
  }

  void publish(Event event) override {
    if (event.id.empty()) event.id = new_id();
    if (event.at == 0) event.at = now_ms();
    // Not reaching Redis, the event at least reaches this node's subscribers.
    if (!send(prefix_ + event.topic, to_json(event).dump())) registry_->deliver(event);
  }

  Subscription subscribe(std::vector<std::string> topics, Callback callback) override {
    Subscription subscription = registry_->add(std::move(topics), std::move(callback));
    std::unique_lock lock(reader_mutex_);
    if (!reader_.joinable() && !stopping_) reader_ = std::thread([this] { read_loop(); });
    // The first subscriber waits (bounded) for the reader's first attempt, so that an event
    // published right after subscribe() returns is not missed while the reader connects.
    reader_changed_.wait_for(lock, 2 * kConnectTimeout,
                             [this] { return first_attempt_done_ || stopping_; });
    return subscription;
  }

  size_t subscriber_count() const override { return registry_->size(); }

 private:
  bool send(const std::string& channel, const std::string& payload) {
    std::lock_guard lock(publisher_mutex_);
    std::string error;
    // A dropped connection (Redis restarted, idle connection killed) shows up on the first use:
    // try once more on a fresh connection before giving up on this event.
    for (int attempt = 0; attempt < 2; ++attempt) {
      if (!publisher_) {
        if (publisher_failed_at_ && Clock::now() - *publisher_failed_at_ < kPublishRetryAfter) {
          return false;
        }
        publisher_ = redis::connect(address_, kConnectTimeout, kPublishTimeout, error);
        if (!publisher_) break;
      }
      if (redis::command(publisher_.get(), error, "PUBLISH %b %b", channel.data(), channel.size(),
                         payload.data(), payload.size())) {
        if (publisher_failed_at_) log::info("event bus: publishing to Redis again");
        publisher_failed_at_.reset();
        return true;
      }
      publisher_.reset();
    }
    if (!publisher_failed_at_) {
      log::warn("event bus: cannot publish to Redis; events reach this node only",
                {{"host", address_.host}, {"port", address_.port}, {"error", error}});
    }
    publisher_failed_at_ = Clock::now();
    return false;
  }

  void read_loop() {
    milliseconds backoff = kFirstBackoff;
    bool in_outage = false;
    while (true) {
      std::string error;
      redis::ContextPtr context = subscribe_all(error);
      bool serving = false;
      if (context) {
        std::lock_guard lock(reader_mutex_);
        if (!stopping_) {
          reader_fd_ = context->fd;
          serving = true;
        }
      }
      if (serving) {
        if (in_outage) log::info("event bus: receiving from Redis again");
        in_outage = false;
        backoff = kFirstBackoff;
        mark_first_attempt_done();
        receive(context.get(), error);
        std::lock_guard lock(reader_mutex_);
        reader_fd_ = -1;  // before `context` closes the socket, so stop never touches a reused fd
      }
      context.reset();
      mark_first_attempt_done();
      std::unique_lock lock(reader_mutex_);
      if (stopping_) return;
      if (!in_outage) {
        log::warn("event bus: cannot receive from Redis; reconnecting",
                  {{"host", address_.host}, {"port", address_.port}, {"error", error}});
        in_outage = true;
      }
      reader_changed_.wait_for(lock, backoff, [this] { return stopping_; });
      if (stopping_) return;
      backoff = std::min(backoff * 2, kMaxBackoff);
    }
  }

  redis::ContextPtr subscribe_all(std::string& error) {
    // No read timeout: the reader waits for messages as long as it takes.
    redis::ContextPtr context = redis::connect(address_, kConnectTimeout, milliseconds(0), error);
    if (!context) return nullptr;
    std::string pattern = glob_escape(prefix_) + "*";
    if (!redis::command(context.get(), error, "PSUBSCRIBE %b", pattern.data(), pattern.size())) {
      return nullptr;
    }
    return context;
  }

  // Delivers messages until the connection fails or is shut down; `error` says why.
  void receive(redisContext* context, std::string& error) {
    while (true) {
      void* raw = nullptr;
      if (redisGetReply(context, &raw) != REDIS_OK) {
        error = context->errstr;
        return;
      }
      redis::ReplyPtr reply(static_cast<redisReply*>(raw));
      // A pattern message is ["pmessage", pattern, channel, payload].
      if (reply->type != REDIS_REPLY_ARRAY || reply->elements != 4 ||
          reply->element[3]->type != REDIS_REPLY_STRING) {
        continue;
      }
      try {
        auto payload = nlohmann::json::parse(reply->element[3]->str,
                                             reply->element[3]->str + reply->element[3]->len);
        registry_->deliver(event_from_json(payload));
      } catch (const nlohmann::json::exception& e) {
        log::warn("event bus: ignoring a malformed message", {{"error", e.what()}});
      }
    }
  }

  void mark_first_attempt_done() {
    {
      std::lock_guard lock(reader_mutex_);
      if (first_attempt_done_) return;
      first_attempt_done_ = true;
    }
    reader_changed_.notify_all();
  }

  const redis::Address address_;
  const std::string prefix_;
  const std::shared_ptr<SubscriberRegistry> registry_ = std::make_shared<SubscriberRegistry>();

  std::mutex publisher_mutex_;
  redis::ContextPtr publisher_;
  std::optional<Clock::time_point> publisher_failed_at_;

  std::mutex reader_mutex_;
  std::condition_variable reader_changed_;
  bool stopping_ = false;
  bool first_attempt_done_ = false;
  int reader_fd_ = -1;  // the reader's socket while it is receiving
  std::thread reader_;
};

}  // namespace

std::unique_ptr<EventBus> make_redis_bus(const std::string& redis_url, std::string channel_prefix) {
  return std::make_unique<RedisBus>(redis_url, std::move(channel_prefix));
}

}  // namespace od::events
