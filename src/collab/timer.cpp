#include "collab/timer.h"

#include "core/log.h"

namespace od::collab {

Timer::Timer() : thread_([this] { run(); }) {}

Timer::~Timer() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  thread_.join();
}

void Timer::at(Clock::time_point when, std::function<void()> task) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    tasks_.emplace(when, std::move(task));
  }
  changed_.notify_all();
}

void Timer::run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    if (tasks_.empty()) {
      changed_.wait(lock);
      continue;
    }
    auto next = tasks_.begin();
    if (next->first > Clock::now()) {
      changed_.wait_until(lock, next->first);
      continue;
    }
    auto task = std::move(next->second);
    tasks_.erase(next);
    lock.unlock();
    try {
      task();
    } catch (const std::exception& e) {
      log::error("collab timer task failed", {{"error", e.what()}});
    }
    lock.lock();
  }
}

}  // namespace od::collab
