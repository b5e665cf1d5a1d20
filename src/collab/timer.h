// One thread that runs small tasks at given times: the hub's heartbeat (session expiry, gap
// catch-up, idle rooms) and the deadline a connection has to authenticate. Tasks must be quick
// and must not block; they hand real work to the rooms' queues or the worker pool. Destroying the
// timer drops what has not run yet.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <thread>

namespace od::collab {

class Timer {
 public:
  using Clock = std::chrono::steady_clock;

  Timer();
  ~Timer();
  Timer(const Timer&) = delete;
  Timer& operator=(const Timer&) = delete;

  void at(Clock::time_point when, std::function<void()> task);
  void after(Clock::duration delay, std::function<void()> task) {
    at(Clock::now() + delay, std::move(task));
  }

 private:
  void run();

  std::mutex mutex_;
  std::condition_variable changed_;
  std::multimap<Clock::time_point, std::function<void()>> tasks_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace od::collab
