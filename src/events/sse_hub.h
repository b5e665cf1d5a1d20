// Server-Sent Events subscribers: each open SSE stream subscribes to some topics on the bus for
// one caller, and every event is re-authorised before it is written, because access can end while
// the stream is open (removed from the project, made private, deleted). A caller who may no longer
// read a topic gets a final `revoked` event and the stream ends.
//
// Threads: the bus calls back on its delivery thread, which must not block, but the check reads the
// database. So the callback only queues the event on its subscriber (bounded) and, when that
// subscriber is idle, schedules it on a small fixed pool; the pool checks and writes that
// subscriber's events in order. A subscriber is on the pool at most once at a time, so the pool's
// queue is bounded by the number of streams; a subscriber that falls too far behind is cut off (its
// client reconnects). One timer thread sends every stream's heartbeat: no thread per connection.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "auth/service.h"
#include "core/worker_pool.h"
#include "events/bus.h"
#include "http/message.h"

namespace od::events {

// Whether `caller` may read what `topic` names now. False means no (the stream is revoked);
// throwing means it could not be decided (the stream ends without `revoked`, the client retries).
using ReadCheck = std::function<bool(const auth::Principal& caller, const std::string& topic)>;

struct SseOptions {
  std::chrono::milliseconds heartbeat{25000};
  size_t max_pending_events = 256;  // per stream, waiting for their check
  size_t check_threads = 2;
  size_t check_queue = 10000;  // streams waiting for a check thread
};

class SseHub {
 public:
  SseHub(EventBus& bus, ReadCheck can_read, SseOptions options = {});
  ~SseHub();
  SseHub(const SseHub&) = delete;
  SseHub& operator=(const SseHub&) = delete;

  bool may_read(const auth::Principal& caller, const std::string& topic) const {
    return can_read_(caller, topic);
  }

  // Writes the stream preamble and forwards `topics` (already checked with may_read) to `stream`
  // until the stream closes, from either side; then the bus subscription is released.
  void attach(std::shared_ptr<http::StreamChannel> stream, auth::Principal caller,
              std::vector<std::string> topics);

  // Open streams (also the `events_subscribers` gauge).
  size_t size() const { return live_->load(); }

 private:
  struct Subscriber;

  void on_event(const std::shared_ptr<Subscriber>& subscriber, const Event& event);
  void drain(const std::shared_ptr<Subscriber>& subscriber);
  void forward(Subscriber& subscriber, const Event& event);
  void heartbeat_loop();

  EventBus& bus_;
  const ReadCheck can_read_;
  const SseOptions options_;
  const std::shared_ptr<std::atomic<size_t>> live_ = std::make_shared<std::atomic<size_t>>(0);

  // Threads start with the first stream, not in the constructor: `serve` blocks signals for every
  // thread it starts (a thread started earlier would take SIGTERM and die), and CLI commands that
  // build the application never need them.
  std::mutex mutex_;
  std::condition_variable stop_;
  bool stopping_ = false;
  std::unique_ptr<WorkerPool> pool_;  // set before the first subscription, then constant
  std::vector<std::weak_ptr<Subscriber>> subscribers_;  // for heartbeats; pruned as they go
  std::thread heartbeat_;
};

// One event in the SSE wire format: `id:`, `event:` and a one-line JSON `data:`, then a blank line.
std::string sse_frame(const Event& event);

}  // namespace od::events
