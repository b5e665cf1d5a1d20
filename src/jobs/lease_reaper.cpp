#include "jobs/lease_reaper.h"

#include "core/log.h"
#include "core/time.h"

namespace od::jobs {

LeaseReaper::LeaseReaper(JobsService& service, std::chrono::milliseconds interval,
                         std::function<void()> requeued)
    : service_(service),
      requeued_(std::move(requeued)),
      thread_("job reaper", interval, [this] { reap_once(); }) {}

size_t LeaseReaper::reap_once() {
  auto changed = service_.store().requeue_expired(now_ms());
  for (const auto& job : changed) service_.announce(job);
  if (!changed.empty()) {
    log::info("requeued jobs with expired leases", {{"count", changed.size()}});
    if (requeued_) requeued_();
  }
  return changed.size();
}

}  // namespace od::jobs
