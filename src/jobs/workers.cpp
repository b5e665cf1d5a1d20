#include "jobs/workers.h"

#include <random>

#include "core/crypto.h"
#include "core/error.h"
#include "core/log.h"
#include "core/time.h"

namespace od::jobs {
namespace {

// ±20 % around the backoff, so jobs that failed together do not retry together.
double draw_jitter() {
  thread_local std::mt19937_64 engine{std::random_device{}()};
  return std::uniform_real_distribution<double>(0.8, 1.2)(engine);
}

// At most `max` bytes of `text`, not cutting a UTF-8 sequence in two (messages end up in JSON).
std::string truncate_utf8(const std::string& text, size_t max) {
  if (text.size() <= max) return text;
  while (max > 0 && (static_cast<unsigned char>(text[max]) & 0xC0) == 0x80) --max;
  return text.substr(0, max);
}

// The handler's view of its job. Progress and cancellation checks double as heartbeats, so a
// handler that reports at least every third of the lease keeps it.
class RunningJob : public JobContext {
 public:
  RunningJob(JobsService& service, Job& job, std::string worker, int64_t lease_ms)
      : service_(service), job_(job), worker_(std::move(worker)), lease_ms_(lease_ms) {
    last_heartbeat_ = now_ms();
  }

  const nlohmann::json& input() const override { return job_.input; }
  const std::string& job_id() const override { return job_.id; }

  void progress(int percent, const std::string& message) override {
    if (lost_) return;
    int64_t now = now_ms();
    percent = std::clamp(percent, 0, 100);
    std::string text = truncate_utf8(message, 500);
    LeaseState state = service_.store().progress(job_.id, worker_, percent, text, now, lease_ms_);
    note(state, now);
    if (!state.held) return;
    job_.progress = percent;
    job_.progress_message = text;
    job_.event_seq = state.event_seq;
    service_.announce(job_);
  }

  bool cancelled() override {
    if (lost_ || cancel_seen_) return true;
    int64_t now = now_ms();
    if (now - last_heartbeat_ >= lease_ms_ / 3) {
      note(service_.store().heartbeat(job_.id, worker_, now, lease_ms_), now);
    } else {
      cancel_seen_ = service_.store().cancel_requested(job_.id);
    }
    return lost_ || cancel_seen_;
  }

  bool cancel_seen() const { return cancel_seen_; }

 private:
  void note(const LeaseState& state, int64_t now) {
    if (!state.held) {
      lost_ = true;
      return;
    }
    last_heartbeat_ = now;
    cancel_seen_ = cancel_seen_ || state.cancel_requested;
  }

  JobsService& service_;
  Job& job_;
  const std::string worker_;
  const int64_t lease_ms_;
  int64_t last_heartbeat_ = 0;
  bool lost_ = false;
  bool cancel_seen_ = false;
};

}  // namespace

JobWorkers::JobWorkers(JobsService& service, WorkerOptions options)
    : service_(service),
      options_(options),
      types_(service.handlers().types()),
      node_id_(crypto::random_token(9)) {}

JobWorkers::~JobWorkers() { stop(); }

void JobWorkers::start() {
  std::lock_guard lock(mutex_);
  if (!threads_.empty() || options_.threads <= 0) return;
  stopping_ = false;
  for (int i = 0; i < options_.threads; ++i) {
    std::string id = node_id_ + "/" + std::to_string(i);
    threads_.emplace_back([this, id] { work(id); });
  }
}

void JobWorkers::stop() {
  std::vector<std::thread> threads;
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    threads.swap(threads_);
  }
  changed_.notify_all();
  for (auto& thread : threads) thread.join();
}

void JobWorkers::wake() {
  {
    std::lock_guard lock(mutex_);
    ++wakeups_;
  }
  changed_.notify_one();
}

void JobWorkers::work(const std::string& worker_id) {
  std::vector<Job> next;  // claimed in the transaction that completed the previous job
  while (true) {
    uint64_t seen;
    bool stopping;
    {
      std::lock_guard lock(mutex_);
      stopping = stopping_;
      seen = wakeups_;
    }
    std::vector<Job> jobs = std::move(next);
    next.clear();
    if (jobs.empty() && !stopping) {
      try {
        jobs =
            service_.store().claim(worker_id, types_, options_.batch, now_ms(), options_.lease_ms);
      } catch (const std::exception& e) {
        log::warn("job claim failed", {{"worker", worker_id}, {"error", e.what()}});
      }
    }
    if (jobs.empty()) {
      if (stopping) return;
      std::unique_lock lock(mutex_);
      changed_.wait_for(lock, options_.idle_wait, [&] { return stopping_ || wakeups_ != seen; });
      continue;
    }
    // Another idle worker may take what this one left; a batch is shared out this way.
    if (jobs.size() > 1) changed_.notify_one();
    for (size_t i = 0; i < jobs.size(); ++i) {
      Job& job = jobs[i];
      {
        std::lock_guard lock(mutex_);
        stopping = stopping_;
      }
      try {
        if (stopping) {
          service_.store().release(job.id, worker_id);
        } else {
          // The last job of a batch claims the next batch as it completes.
          run_job(worker_id, std::move(job), i + 1 == jobs.size() ? &next : nullptr);
        }
      } catch (const std::exception& e) {
        // The store failed; the lease runs out and the reaper gives the job another attempt.
        log::error("job bookkeeping failed", {{"jobId", job.id}, {"error", e.what()}});
      }
    }
  }
}

void JobWorkers::run_job(const std::string& worker_id, Job job, std::vector<Job>* claim_next) {
  service_.announce(job);
  JobHandler* handler = service_.handlers().find(job.type);
  RunningJob context(service_, job, worker_id, options_.lease_ms);
  std::optional<nlohmann::json> result;
  std::string code, message;
  bool retryable = true;
  try {
    if (!handler) throw ApiError(422, "unknown_job_type", "No handler for " + job.type);
    result = handler->run(context);
  } catch (const ApiError& e) {
    code = e.code();
    message = e.what();
    retryable = e.status() >= 500;
  } catch (const std::exception& e) {
    code = "job_failed";
    message = e.what();
  }
  int64_t now = now_ms();
  JobStore& store = service_.store();
  if (context.cancel_seen()) {
    if (store.finish_canceled(job.id, worker_id, now)) {
      job.status = kCanceled;
      job.cancel_requested = true;
      job.finished_at = now;
      ++job.event_seq;
      service_.announce(job);
    }
    return;
  }
  if (result) {
    bool completed;
    if (claim_next) {
      auto outcome = store.complete_and_claim(job.id, worker_id, *result, now, types_,
                                              options_.batch, options_.lease_ms);
      completed = outcome.completed;
      *claim_next = std::move(outcome.next);
    } else {
      completed = store.complete(job.id, worker_id, *result, now);
    }
    if (completed) {
      job.status = kDone;
      job.result = std::move(result);
      job.progress = 100;
      job.finished_at = now;
      ++job.event_seq;
      service_.announce(job);
    }
    return;
  }
  if (auto failed = store.fail(job.id, worker_id, code, truncate_utf8(message, 1000), retryable,
                               now, draw_jitter())) {
    service_.announce(*failed);
    if (failed->status == kQueued) wake();
  }
}

}  // namespace od::jobs
