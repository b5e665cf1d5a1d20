// Cross-node wake-up for the job workers on PostgreSQL: a dedicated libpq connection that LISTENs
// on the `jobs` channel (submits NOTIFY it in their insert transaction, see JobStore::insert) and
// calls `on_notify` for each notification, so a job submitted on any node starts at once on an
// idle worker anywhere. One thread waits in poll() on the connection's socket and on a pipe that
// stop() writes to; no polling of the database. A lost connection is re-established after a
// second; meanwhile the workers' bounded idle wait still finds the jobs.
#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <thread>

namespace od::jobs {

inline constexpr char kJobsChannel[] = "jobs";

class PgWakeup {
 public:
  PgWakeup(std::string url, std::function<void()> on_notify);
  ~PgWakeup();
  PgWakeup(const PgWakeup&) = delete;
  PgWakeup& operator=(const PgWakeup&) = delete;

  // Starts the listening thread (call after shutdown signals are blocked); stop() joins it.
  void start();
  void stop();

 private:
  void loop();
  // Waits up to `timeout_ms` for `fd` (or -1: only the stop pipe) to be readable; false when
  // stopping.
  bool wait(int fd, int timeout_ms);

  const std::string url_;
  const std::function<void()> on_notify_;
  int stop_pipe_[2] = {-1, -1};
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace od::jobs
