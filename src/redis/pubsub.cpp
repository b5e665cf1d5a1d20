#include "redis/pubsub.h"

#include <sys/socket.h>

#include <algorithm>

#include "core/log.h"

namespace od::redis {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr milliseconds kConnectTimeout{500};
constexpr milliseconds kPublishTimeout{500};
constexpr milliseconds kFirstBackoff{100};
constexpr milliseconds kMaxBackoff{5000};
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

}  // namespace

Publisher::Publisher(Address address, std::string name, std::string when_unreachable)
    : address_(std::move(address)),
      name_(std::move(name)),
      when_unreachable_(std::move(when_unreachable)) {}

bool Publisher::publish(const std::string& channel, std::string_view payload) {
  std::lock_guard lock(mutex_);
  std::string error;
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (!connection_) {
      if (failed_at_ && Clock::now() - *failed_at_ < kPublishRetryAfter) return false;
      connection_ = connect(address_, kConnectTimeout, kPublishTimeout, error);
      if (!connection_) break;
    }
    if (command(connection_.get(), error, "PUBLISH %b %b", channel.data(), channel.size(),
                payload.data(), payload.size())) {
      if (failed_at_) log::info(name_ + ": publishing to Redis again");
      failed_at_.reset();
      return true;
    }
    connection_.reset();
  }
  if (!failed_at_) {
    log::warn(name_ + ": cannot publish to Redis; " + when_unreachable_,
              {{"host", address_.host}, {"port", address_.port}, {"error", error}});
  }
  failed_at_ = Clock::now();
  return false;
}

PatternSubscriber::PatternSubscriber(Address address, std::string channel_prefix, std::string name)
    : address_(std::move(address)), prefix_(std::move(channel_prefix)), name_(std::move(name)) {}

void PatternSubscriber::start(OnMessage on_message, std::function<void()> on_resubscribed) {
  std::unique_lock lock(mutex_);
  if (!reader_.joinable() && !stopping_) {
    on_message_ = std::move(on_message);
    on_resubscribed_ = std::move(on_resubscribed);
    reader_ = std::thread([this] { read_loop(); });
  }
  changed_.wait_for(lock, 2 * kConnectTimeout, [this] { return first_attempt_done_ || stopping_; });
}

void PatternSubscriber::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    if (reader_fd_ >= 0) ::shutdown(reader_fd_, SHUT_RDWR);
  }
  changed_.notify_all();
  if (reader_.joinable()) reader_.join();
}

void PatternSubscriber::read_loop() {
  milliseconds backoff = kFirstBackoff;
  bool in_outage = false;
  while (true) {
    std::string error;
    ContextPtr context = subscribe(error);
    bool serving = false;
    if (context) {
      std::lock_guard lock(mutex_);
      if (!stopping_) {
        reader_fd_ = context->fd;
        serving = true;
      }
    }
    if (serving) {
      if (in_outage) {
        log::info(name_ + ": receiving from Redis again");
        if (on_resubscribed_) on_resubscribed_();
      }
      in_outage = false;
      backoff = kFirstBackoff;
      mark_first_attempt_done();
      receive(context.get(), error);
      std::lock_guard lock(mutex_);
      reader_fd_ = -1;  // before `context` closes the socket, so stop() never touches a reused fd
    }
    context.reset();
    mark_first_attempt_done();
    std::unique_lock lock(mutex_);
    if (stopping_) return;
    if (!in_outage) {
      log::warn(name_ + ": cannot receive from Redis; reconnecting",
                {{"host", address_.host}, {"port", address_.port}, {"error", error}});
      in_outage = true;
    }
    changed_.wait_for(lock, backoff, [this] { return stopping_; });
    if (stopping_) return;
    backoff = std::min(backoff * 2, kMaxBackoff);
  }
}

ContextPtr PatternSubscriber::subscribe(std::string& error) {
  // No read timeout: the reader waits for messages as long as it takes.
  ContextPtr context = connect(address_, kConnectTimeout, milliseconds(0), error);
  if (!context) return nullptr;
  std::string pattern = glob_escape(prefix_) + "*";
  if (!command(context.get(), error, "PSUBSCRIBE %b", pattern.data(), pattern.size())) {
    return nullptr;
  }
  return context;
}

// Delivers messages until the connection fails or is shut down; `error` says why.
void PatternSubscriber::receive(redisContext* context, std::string& error) {
  while (true) {
    void* raw = nullptr;
    if (redisGetReply(context, &raw) != REDIS_OK) {
      error = context->errstr;
      return;
    }
    ReplyPtr reply(static_cast<redisReply*>(raw));
    // A pattern message is ["pmessage", pattern, channel, payload].
    if (reply->type != REDIS_REPLY_ARRAY || reply->elements != 4 ||
        reply->element[2]->type != REDIS_REPLY_STRING ||
        reply->element[3]->type != REDIS_REPLY_STRING) {
      continue;
    }
    on_message_(std::string_view(reply->element[2]->str, reply->element[2]->len),
                std::string_view(reply->element[3]->str, reply->element[3]->len));
  }
}

void PatternSubscriber::mark_first_attempt_done() {
  {
    std::lock_guard lock(mutex_);
    if (first_attempt_done_) return;
    first_attempt_done_ = true;
  }
  changed_.notify_all();
}

}  // namespace od::redis
