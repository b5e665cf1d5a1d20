#include "jobs/job_stream.h"

#include <mutex>

namespace od::jobs {
namespace {

// Shared by the bus callback, the stream's close callback and the attaching thread.
struct JobStream {
  std::mutex mutex;
  std::shared_ptr<http::StreamChannel> stream;
  int64_t last_sent = 0;
  bool finished = false;
  events::Subscription subscription;

  // Sends the state carried by `data` unless the client has it already; ends the stream after a
  // final state. Returns the subscription to drop (outside the lock: dropping it waits for a
  // callback in flight, which may be waiting for this lock).
  events::Subscription deliver(const std::string& type, const nlohmann::json& data) {
    std::lock_guard lock(mutex);
    int64_t seq = data.value("seq", int64_t{0});
    if (finished) return {};
    bool open = true;
    // Already seen (a resumed client, or a late duplicate): not sent again, but a final state
    // still ends the stream.
    if (seq > last_sent) {
      last_sent = seq;
      std::string frame =
          "id: " + std::to_string(seq) + "\nevent: " + type +
          "\ndata: " + data.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n\n";
      open = stream->push(std::move(frame));
    }
    if (open && !is_final_status(data.value("status", ""))) return {};
    finished = true;
    stream->close();
    return std::move(subscription);
  }

  events::Subscription release() {
    std::lock_guard lock(mutex);
    finished = true;
    return std::move(subscription);
  }
};

}  // namespace

void attach_job_stream(events::EventBus& bus, JobsService& service,
                       std::shared_ptr<http::StreamChannel> stream, const std::string& job_id,
                       int64_t last_event_id) {
  auto state = std::make_shared<JobStream>();
  state->stream = stream;
  state->last_sent = last_event_id;
  stream->push("retry: 3000\n\n");
  std::weak_ptr<JobStream> weak = state;
  // Subscribe before reading the job, so no change falls between the read and the subscription.
  auto subscription = bus.subscribe({job_topic(job_id)}, [weak](const events::Event& event) {
    if (auto s = weak.lock()) s->deliver(event.type, event.data).reset();
  });
  {
    std::lock_guard lock(state->mutex);
    if (!state->finished) state->subscription = std::move(subscription);
  }
  subscription.reset();
  stream->on_close([state] { state->release().reset(); });
  auto job = service.store().find(job_id);
  if (!job) {
    state->release().reset();
    stream->close();
    return;
  }
  state->deliver("job." + job->status, job_event_data(*job)).reset();
}

}  // namespace od::jobs
