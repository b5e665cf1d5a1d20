// A thread of its own that runs one round of background work every interval (reapers, sweeps)
// until stopped. A round that throws is logged under the task's name and tried again next
// interval (a database or store may be briefly unreachable); it never ends the thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace od {

class PeriodicTask {
 public:
  PeriodicTask(std::string name, std::chrono::milliseconds interval, std::function<void()> round);
  ~PeriodicTask() { stop(); }
  PeriodicTask(const PeriodicTask&) = delete;
  PeriodicTask& operator=(const PeriodicTask&) = delete;

  // The thread starts here, not in the constructor (`serve` blocks shutdown signals first); the
  // first round runs one interval later. Starting twice does nothing.
  void start();
  // Waits for a round in progress to finish.
  void stop();

 private:
  void loop();

  const std::string name_;
  const std::chrono::milliseconds interval_;
  const std::function<void()> round_;
  std::mutex mutex_;
  std::condition_variable stopped_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace od
