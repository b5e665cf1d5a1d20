// External workers' long polls, parked without a thread each. A lease request that finds no job
// and may wait is parked here; one keeper thread leases jobs for parked polls, oldest first, when
// a submit wakes it (wake()), when a poll arrives, and every second (jobs whose retry delay ended
// need no wake-up), and answers each poll once: with its jobs, or with none when its wait ends or
// the server stops. The HTTP side answers through http::DeferredResponse, so a thousand waiting
// workers cost a thousand small records, not a thousand handler threads.
//
// Bounded: past `max_parked` waiting polls, park() says Full and the caller answers 503.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "jobs/job.h"

namespace od::jobs {

class ParkedPolls {
 public:
  using Clock = std::chrono::steady_clock;
  // Leases up to `max` jobs of `types` for `owner` (and announces them); may throw.
  using Claim = std::function<std::vector<Job>(
      const std::string& owner, const std::vector<std::string>& types, int max, int64_t lease_ms)>;
  // Receives the poll's answer, once, on the keeper's thread. Must not block.
  using Done = std::function<void(std::vector<Job>)>;

  struct Poll {
    std::string owner;
    std::vector<std::string> types;
    int max = 1;
    int64_t lease_ms = 0;
    Clock::time_point deadline;
    Done done;
  };

  enum class Parked { Yes, Full, Stopped };

  ParkedPolls(Claim claim, size_t max_parked);
  ~ParkedPolls();
  ParkedPolls(const ParkedPolls&) = delete;
  ParkedPolls& operator=(const ParkedPolls&) = delete;

  // The keeper thread starts here (after `serve` blocked shutdown signals). Until then, and after
  // stop(), park() answers Stopped.
  void start();
  // Answers every parked poll (with no jobs) and joins the keeper.
  void stop();
  Parked park(Poll poll);
  // New jobs may be queued: parked polls look again.
  void wake();
  size_t size();

 private:
  struct Entry {
    Poll poll;
    bool fresh = true;  // not yet looked at by the keeper
  };
  void keep();
  // One pass over `round`: leases for the polls due a look, answers those with jobs or past their
  // deadline, and returns the others in their order.
  std::deque<Entry> serve(std::deque<Entry> round, bool everyone);
  void answer(Poll& poll, std::vector<Job> jobs);

  const Claim claim_;
  const size_t max_parked_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<Entry> parked_;  // oldest first; empty while the keeper serves a round
  size_t waiting_ = 0;        // polls not answered yet, in parked_ or in the keeper's round
  uint64_t wakeups_ = 0;
  bool arrived_ = false;
  bool running_ = false;
  std::thread keeper_;
};

}  // namespace od::jobs
