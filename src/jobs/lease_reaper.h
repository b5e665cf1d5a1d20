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
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

#include "jobs/service.h"

namespace od::jobs {

class LeaseReaper {
 public:
  LeaseReaper(JobsService& service, std::chrono::milliseconds interval,
              std::function<void()> requeued);
  ~LeaseReaper();
  LeaseReaper(const LeaseReaper&) = delete;
  LeaseReaper& operator=(const LeaseReaper&) = delete;

  // The thread starts here, not in the constructor (`serve` blocks shutdown signals first).
  void start();
  void stop();
  // One round now; returns how many jobs it changed (the thread calls this every interval).
  size_t reap_once();

 private:
  void run();

  JobsService& service_;
  const std::chrono::milliseconds interval_;
  const std::function<void()> requeued_;
  std::mutex mutex_;
  std::condition_variable stopped_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace od::jobs
