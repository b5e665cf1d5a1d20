#include "jobs/lease_reaper.h"

#include "core/log.h"
#include "core/time.h"

namespace od::jobs {

LeaseReaper::LeaseReaper(JobsService& service, std::chrono::milliseconds interval,
                         std::function<void()> requeued)
    : service_(service), interval_(interval), requeued_(std::move(requeued)) {}

LeaseReaper::~LeaseReaper() { stop(); }

void LeaseReaper::start() {
  std::lock_guard lock(mutex_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { run(); });
}

void LeaseReaper::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  stopped_.notify_all();
  if (thread_.joinable()) thread_.join();
}

size_t LeaseReaper::reap_once() {
  auto changed = service_.store().requeue_expired(now_ms());
  for (const auto& job : changed) service_.announce(job);
  if (!changed.empty()) {
    log::info("requeued jobs with expired leases", {{"count", changed.size()}});
    if (requeued_) requeued_();
  }
  return changed.size();
}

void LeaseReaper::run() {
  std::unique_lock lock(mutex_);
  while (!stopped_.wait_for(lock, interval_, [this] { return stopping_; })) {
    lock.unlock();
    try {
      reap_once();
    } catch (const std::exception& e) {
      // The database may be briefly unreachable; the next round tries again.
      log::warn("job reaper failed", {{"error", e.what()}});
    }
    lock.lock();
  }
}

}  // namespace od::jobs
