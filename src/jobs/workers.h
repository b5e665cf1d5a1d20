// The in-process worker pool: threads that claim jobs of the registered types, run their
// handlers and record the outcome. Jobs of vanished workers (expired leases) go back to the queue
// through jobs/lease_reaper.h, which runs whether or not this pool does.
//
// Wake-up: a submit signals a condition variable through wake(), so an idle worker starts at once
// without polling; on PostgreSQL PgWakeup calls wake() for submits on other nodes too. Jobs that
// become due later (retry backoff) are found by a bounded timed wait (`idle_wait`).
//
// Threads start in start(), never in the constructor: `serve` blocks shutdown signals before it
// starts threads. stop() lets running handlers finish, gives back claimed jobs not yet started,
// and joins.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "jobs/service.h"

namespace od::jobs {

struct WorkerOptions {
  int threads = 4;
  int batch = 1;             // jobs claimed per round trip
  int64_t lease_ms = 30000;  // a worker silent this long is presumed dead
  std::chrono::milliseconds idle_wait{1000};
};

class JobWorkers {
 public:
  JobWorkers(JobsService& service, WorkerOptions options);
  ~JobWorkers();
  JobWorkers(const JobWorkers&) = delete;
  JobWorkers& operator=(const JobWorkers&) = delete;

  void start();
  void stop();
  // Tells idle workers that there may be work (cheap; call after a submit).
  void wake();

 private:
  void work(const std::string& worker_id);
  // Runs one claimed job and records its outcome. With `claim_next`, a successful job is
  // completed together with claiming the worker's next jobs (one commit), which land there.
  void run_job(const std::string& worker_id, Job job, std::vector<Job>* claim_next);

  JobsService& service_;
  const WorkerOptions options_;
  const std::vector<std::string> types_;
  const std::string node_id_;

  std::mutex mutex_;
  std::condition_variable changed_;
  uint64_t wakeups_ = 0;  // bumped by wake(): a worker that saw no work waits for a new value
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace od::jobs
