// Returns the jobs of vanished workers to the queue: every interval, one statement moves running
// jobs whose lease has expired back to queued (or to failed on their last attempt, or to canceled
// when their owner asked), then announces them and calls `requeued` so idle workers and parked
// long polls look again.
//
// It runs in every `serve` and `opendesign worker` process, apart from the in-process worker pool,
// so a server with `--job-workers 0` (all work done by external HTTP workers) still recovers the
// jobs of an external worker that crashed. Several nodes reaping the same PostgreSQL queue never
// change a job twice (JobStore::requeue_expired skips rows another node holds).
#pragma once

#include <chrono>
#include <functional>

#include "core/periodic_task.h"
#include "jobs/service.h"

namespace od::jobs {

class LeaseReaper {
 public:
  LeaseReaper(JobsService& service, std::chrono::milliseconds interval,
              std::function<void()> requeued);
  LeaseReaper(const LeaseReaper&) = delete;
  LeaseReaper& operator=(const LeaseReaper&) = delete;

  // The thread starts here, not in the constructor (`serve` blocks shutdown signals first).
  void start() { thread_.start(); }
  void stop() { thread_.stop(); }
  // One round now; returns how many jobs it changed (the thread calls this every interval).
  size_t reap_once();

 private:
  JobsService& service_;
  const std::function<void()> requeued_;
  PeriodicTask thread_;  // last: stopped first
};

}  // namespace od::jobs
