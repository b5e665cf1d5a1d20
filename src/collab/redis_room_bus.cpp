// The Redis transport of RoomBus. Publishing uses one connection behind a mutex (one short round
// trip, from a room's queue). Receiving uses a reader thread with its own connection that
// PSUBSCRIBEs to every channel under the prefix: one pattern keeps the reader free of per-room
// subscription bookkeeping across threads, at the price of every instance seeing every room's
// traffic (it drops what it has no room for). When Redis goes away the reader reconnects with
// capped backoff and then calls `resubscribed`, so rooms reload what they missed from the
// database; stopping shuts the reader's socket down, which ends its blocking read at once.
#include <sys/socket.h>

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>

#include "collab/room_bus.h"
#include "core/log.h"
#include "redis/client.h"

namespace od::collab {
namespace {

using std::chrono::milliseconds;

constexpr milliseconds kConnectTimeout{500};
constexpr milliseconds kPublishTimeout{500};
constexpr milliseconds kFirstBackoff{100};
constexpr milliseconds kMaxBackoff{5000};
// While Redis is unreachable, publish() skips it for this long rather than making every update
// of every room wait for a connect timeout. Updates skipped are in the database: the other
// instances reload them when they notice the gap or when their reader reconnects.
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

class RedisRoomBus : public RoomBus {
 public:
  RedisRoomBus(const std::string& url, std::string prefix)
      : address_(redis::parse_url(url)), prefix_(std::move(prefix)) {}

  ~RedisRoomBus() override { stop(); }

  void stop() override {
    {
      std::lock_guard lock(reader_mutex_);
      stopping_ = true;
      if (reader_fd_ >= 0) ::shutdown(reader_fd_, SHUT_RDWR);
    }
    reader_changed_.notify_all();
    if (reader_.joinable()) reader_.join();
  }

  void start(Deliver deliver, std::function<void()> resubscribed) override {
    std::unique_lock lock(reader_mutex_);
    if (reader_.joinable()) return;
    deliver_ = std::move(deliver);
    resubscribed_ = std::move(resubscribed);
    reader_ = std::thread([this] { read_loop(); });
    // Wait (bounded) for the first subscription so messages published right after start() by
    // another instance are not missed while the reader connects.
    reader_changed_.wait_for(lock, 2 * kConnectTimeout,
                             [this] { return first_attempt_done_ || stopping_; });
  }

  bool publish(const RoomMessage& message) override {
    std::string channel =
        prefix_ +
        (message.kind == RoomMessage::Kind::kNotice ? "notice:" + message.room : message.room);
    std::string payload = encode_room_message(message);
    std::lock_guard lock(publisher_mutex_);
    std::string error;
    // A dropped connection shows up on first use: try once more on a fresh one.
    for (int attempt = 0; attempt < 2; ++attempt) {
      if (!publisher_) {
        if (failed_at_ && std::chrono::steady_clock::now() - *failed_at_ < kPublishRetryAfter) {
          return false;
        }
        publisher_ = redis::connect(address_, kConnectTimeout, kPublishTimeout, error);
        if (!publisher_) break;
      }
      if (redis::command(publisher_.get(), error, "PUBLISH %b %b", channel.data(), channel.size(),
                         payload.data(), payload.size())) {
        if (failed_at_) log::info("collab: publishing to Redis again");
        failed_at_.reset();
        return true;
      }
      publisher_.reset();
    }
    if (!failed_at_) {
      log::warn("collab: cannot publish to Redis; other instances will reload from the database",
                {{"room", message.room}, {"error", error}});
    }
    failed_at_ = std::chrono::steady_clock::now();
    return false;
  }

 private:
  void read_loop() {
    milliseconds backoff = kFirstBackoff;
    bool reconnecting = false;
    while (true) {
      std::string error;
      redis::ContextPtr context = redis::connect(address_, kConnectTimeout, milliseconds(0), error);
      std::string pattern = glob_escape(prefix_) + "*";
      if (context &&
          !redis::command(context.get(), error, "PSUBSCRIBE %b", pattern.data(), pattern.size())) {
        context.reset();
      }
      bool serving = false;
      if (context) {
        std::lock_guard lock(reader_mutex_);
        if (!stopping_) {
          reader_fd_ = context->fd;
          serving = true;
        }
      }
      if (serving) {
        if (reconnecting) {
          log::info("collab: receiving from Redis again");
          resubscribed_();  // rooms reload what they may have missed
        }
        reconnecting = false;
        backoff = kFirstBackoff;
        mark_first_attempt_done();
        receive(context.get(), error);
        std::lock_guard lock(reader_mutex_);
        reader_fd_ = -1;
      }
      context.reset();
      mark_first_attempt_done();
      std::unique_lock lock(reader_mutex_);
      if (stopping_) return;
      if (!reconnecting) {
        log::warn("collab: cannot receive from Redis; reconnecting", {{"error", error}});
        reconnecting = true;
      }
      reader_changed_.wait_for(lock, backoff, [this] { return stopping_; });
      if (stopping_) return;
      backoff = std::min(backoff * 2, kMaxBackoff);
    }
  }

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
      auto message =
          decode_room_message(std::string_view(reply->element[3]->str, reply->element[3]->len));
      if (!message) {
        log::warn("collab: ignoring a malformed message from Redis");
        continue;
      }
      deliver_(std::move(*message));
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
  Deliver deliver_;
  std::function<void()> resubscribed_;

  std::mutex publisher_mutex_;
  redis::ContextPtr publisher_;
  std::optional<std::chrono::steady_clock::time_point> failed_at_;

  std::mutex reader_mutex_;
  std::condition_variable reader_changed_;
  bool stopping_ = false;
  bool first_attempt_done_ = false;
  int reader_fd_ = -1;
  std::thread reader_;
};

}  // namespace

std::unique_ptr<RoomBus> make_redis_room_bus(const std::string& redis_url, std::string prefix) {
  return std::make_unique<RedisRoomBus>(redis_url, std::move(prefix));
}

}  // namespace od::collab
