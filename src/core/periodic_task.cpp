#include "core/periodic_task.h"

#include "core/log.h"

namespace od {

PeriodicTask::PeriodicTask(std::string name, std::chrono::milliseconds interval,
                           std::function<void()> round)
    : name_(std::move(name)), interval_(interval), round_(std::move(round)) {}

void PeriodicTask::start() {
  std::lock_guard lock(mutex_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { loop(); });
}

void PeriodicTask::stop() {
  {
    std::lock_guard lock(mutex_);
    if (!thread_.joinable()) return;
    stopping_ = true;
  }
  stopped_.notify_all();
  thread_.join();
}

void PeriodicTask::loop() {
  std::unique_lock lock(mutex_);
  while (!stopped_.wait_for(lock, interval_, [this] { return stopping_; })) {
    lock.unlock();
    try {
      round_();
    } catch (const std::exception& e) {
      log::warn(name_ + " failed; trying again next round", {{"error", e.what()}});
    }
    lock.lock();
  }
}

}  // namespace od
