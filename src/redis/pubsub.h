// Redis pub/sub as the event bus and the collaboration rooms both use it.
//
// Publisher: one connection behind a mutex (a PUBLISH is one short round trip). A dropped
// connection shows up on first use, so a publish tries once more on a fresh connection; while
// Redis stays unreachable, publishes are skipped for a second rather than making every caller
// wait for a connect timeout. The caller decides what a skipped message means.
//
// PatternSubscriber: a reader thread with its own connection that PSUBSCRIBEs to every channel
// under a prefix. One pattern keeps the reader free of cross-thread subscription bookkeeping, at
// the price of every node seeing every message (the caller filters). When Redis goes away the
// reader reconnects with capped exponential backoff, logging once per outage, and says so when it
// is back (messages of the outage are lost). Stopping shuts the reader's socket down, which ends
// its blocking read at once: no polling.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include "redis/client.h"

namespace od::redis {

class Publisher {
 public:
  // `name` prefixes the log lines ("event bus"); `when_unreachable` ends the warning logged
  // once per outage ("events reach this node only").
  Publisher(Address address, std::string name, std::string when_unreachable);

  // False when the message could not be handed to Redis.
  bool publish(const std::string& channel, std::string_view payload);

 private:
  const Address address_;
  const std::string name_;
  const std::string when_unreachable_;
  std::mutex mutex_;
  ContextPtr connection_;
  std::optional<std::chrono::steady_clock::time_point> failed_at_;
};

class PatternSubscriber {
 public:
  using OnMessage = std::function<void(std::string_view channel, std::string_view payload)>;

  PatternSubscriber(Address address, std::string channel_prefix, std::string name);
  ~PatternSubscriber() { stop(); }

  // Starts the reader (the first call; later calls keep the first handlers) and waits, bounded,
  // for its first subscription attempt, so a message another node publishes right after start() is
  // not missed while the reader connects. `on_message` and `on_resubscribed` (after an outage) run
  // on the reader.
  void start(OnMessage on_message, std::function<void()> on_resubscribed = {});
  void stop();

 private:
  void read_loop();
  ContextPtr subscribe(std::string& error);
  void receive(redisContext* context, std::string& error);
  void mark_first_attempt_done();

  const Address address_;
  const std::string prefix_;
  const std::string name_;
  OnMessage on_message_;
  std::function<void()> on_resubscribed_;

  std::mutex mutex_;
  std::condition_variable changed_;
  bool stopping_ = false;
  bool first_attempt_done_ = false;
  int reader_fd_ = -1;  // the reader's socket while it is receiving
  std::thread reader_;
};

}  // namespace od::redis
