#include "events/sse_hub.h"

#include <deque>

#include "core/log.h"
#include "core/metrics.h"
#include "core/time.h"

namespace od::events {
namespace {

// The SSE format ends a field at a line break; ids and types come from other nodes too.
std::string one_line(std::string text) {
  for (char& c : text) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return text;
}

std::string revoked_frame(const std::string& topic) {
  nlohmann::json data = {{"topic", topic}, {"reason", "access_revoked"}};
  return "event: revoked\ndata: " + data.dump() + "\n\n";
}

}  // namespace

std::string sse_frame(const Event& event) {
  nlohmann::json data = {{"id", event.id},
                         {"topic", event.topic},
                         {"type", event.type},
                         {"at", rfc3339(event.at)},
                         {"data", event.data}};
  // dump() escapes line breaks inside strings, so the JSON is a single `data:` line.
  return "id: " + one_line(event.id) + "\nevent: " + one_line(event.type) +
         "\ndata: " + data.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n\n";
}

struct SseHub::Subscriber {
  Subscriber(std::shared_ptr<http::StreamChannel> s, auth::Principal p,
             std::shared_ptr<std::atomic<size_t>> l)
      : stream(std::move(s)), caller(std::move(p)), live(std::move(l)) {}

  // Ends the stream and unsubscribes, once, from whichever side gets there first.
  void release() {
    if (released.exchange(true)) return;
    Subscription gone;
    {
      std::lock_guard lock(mutex);
      gone = std::move(subscription);
      pending.clear();
    }
    gone.reset();  // outside the lock: it may wait for this subscriber's callback in flight
    --*live;
    stream->close();  // last: whoever sees the stream end sees the subscription gone
  }

  const std::shared_ptr<http::StreamChannel> stream;
  const auth::Principal caller;
  const std::shared_ptr<std::atomic<size_t>> live;
  std::atomic<bool> released{false};

  std::mutex mutex;  // guards the fields below
  Subscription subscription;
  std::deque<Event> pending;
  bool scheduled = false;  // a drain task is queued or running
};

SseHub::SseHub(EventBus& bus, ReadCheck can_read, SseOptions options)
    : bus_(bus), can_read_(std::move(can_read)), options_(options) {
  metrics::describe("events_subscribers", "gauge", "Open Server-Sent Events subscriptions.");
  metrics::gauge_callback("events_subscribers", {},
                          [live = live_] { return static_cast<double>(live->load()); });
}

SseHub::~SseHub() {
  std::vector<std::weak_ptr<Subscriber>> subscribers;
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    subscribers.swap(subscribers_);
  }
  stop_.notify_all();
  if (heartbeat_.joinable()) heartbeat_.join();
  // After this no bus callback runs for us, so the pool gets no new work; then it finishes.
  for (auto& weak : subscribers) {
    if (auto subscriber = weak.lock()) subscriber->release();
  }
  if (pool_) pool_->shutdown();
}

void SseHub::attach(std::shared_ptr<http::StreamChannel> stream, auth::Principal caller,
                    std::vector<std::string> topics) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) {
      stream->close();
      return;
    }
    if (!pool_) {
      pool_ = std::make_unique<WorkerPool>(options_.check_threads, options_.check_queue, "events");
      heartbeat_ = std::thread([this] { heartbeat_loop(); });
    }
  }
  auto subscriber = std::make_shared<Subscriber>(stream, std::move(caller), live_);
  ++*live_;
  stream->push("retry: 3000\n\n");
  std::weak_ptr<Subscriber> weak = subscriber;
  Subscription subscription = bus_.subscribe(std::move(topics), [this, weak](const Event& event) {
    if (auto s = weak.lock()) on_event(s, event);
  });
  {
    std::lock_guard lock(subscriber->mutex);
    if (!subscriber->released) subscriber->subscription = std::move(subscription);
  }
  // The stream owns the subscriber from here until the server finishes it.
  stream->on_close([subscriber] { subscriber->release(); });
  // Sent once the bus subscription exists: a client seeing it knows no later event is missed.
  stream->push(": connected\n\n");
  std::lock_guard lock(mutex_);
  if (stopping_) {
    subscriber->release();
    return;
  }
  subscribers_.push_back(weak);
}

// On the bus thread: queue, and schedule the subscriber if it is idle. Never blocks.
void SseHub::on_event(const std::shared_ptr<Subscriber>& subscriber, const Event& event) {
  bool overflow = false;
  bool schedule = false;
  {
    std::lock_guard lock(subscriber->mutex);
    if (subscriber->released) return;
    if (subscriber->pending.size() >= options_.max_pending_events) {
      overflow = true;
    } else {
      subscriber->pending.push_back(event);
      schedule = !subscriber->scheduled;
      subscriber->scheduled = true;
    }
  }
  if (overflow) {
    log::warn("event stream cannot keep up; closing it", {{"topic", event.topic}});
    subscriber->release();
  } else if (schedule && !pool_->try_submit([this, subscriber] { drain(subscriber); })) {
    log::warn("event check pool is full; closing a stream");
    subscriber->release();
  }
}

// On the pool: this subscriber's events, in order, until none is left.
void SseHub::drain(const std::shared_ptr<Subscriber>& subscriber) {
  while (true) {
    Event event;
    {
      std::lock_guard lock(subscriber->mutex);
      if (subscriber->pending.empty() || subscriber->released) {
        subscriber->scheduled = false;
        return;
      }
      event = std::move(subscriber->pending.front());
      subscriber->pending.pop_front();
    }
    forward(*subscriber, event);
  }
}

void SseHub::forward(Subscriber& subscriber, const Event& event) {
  bool allowed = false;
  try {
    allowed = can_read_(subscriber.caller, event.topic);
  } catch (const std::exception& e) {
    log::warn("cannot re-check an event subscriber; closing the stream",
              {{"topic", event.topic}, {"error", e.what()}});
    subscriber.release();
    return;
  }
  if (!allowed) {
    // A deletion is why access ended; the subscriber could read the object until then.
    if (event.type.ends_with(".deleted")) subscriber.stream->push(sse_frame(event));
    subscriber.stream->push(revoked_frame(event.topic));
    subscriber.release();
    return;
  }
  if (!subscriber.stream->push(sse_frame(event))) subscriber.release();
}

void SseHub::heartbeat_loop() {
  std::unique_lock lock(mutex_);
  while (!stop_.wait_for(lock, options_.heartbeat, [this] { return stopping_; })) {
    std::vector<std::shared_ptr<Subscriber>> open;
    std::erase_if(subscribers_, [&open](const std::weak_ptr<Subscriber>& weak) {
      auto subscriber = weak.lock();
      if (!subscriber || subscriber->released) return true;
      open.push_back(std::move(subscriber));
      return false;
    });
    lock.unlock();
    // Keeps proxies from timing out an idle stream, and finds clients that left.
    for (const auto& subscriber : open) {
      if (!subscriber->stream->push(": heartbeat\n\n")) subscriber->release();
    }
    open.clear();
    lock.lock();
  }
}

}  // namespace od::events
