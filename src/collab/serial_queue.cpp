#include "collab/serial_queue.h"

#include "core/log.h"

namespace od::collab {
namespace {
// Tasks one drain runs before yielding its worker, so one busy room cannot starve the others.
constexpr int kBatch = 64;
}  // namespace

bool SerialQueue::post(const std::shared_ptr<void>& owner, std::function<void()> task,
                       bool must_run) {
  {
    std::lock_guard lock(mutex_);
    if (tasks_.size() >= max_pending_ && !must_run) return false;
    tasks_.push_back(std::move(task));
    if (running_) return true;
    running_ = true;
    if (pool_.try_submit([this, owner] { drain(owner); })) return true;
    if (!must_run) {
      running_ = false;
      tasks_.pop_back();
      return false;
    }
  }
  drain(owner);
  return true;
}

void SerialQueue::drain(const std::shared_ptr<void>& owner) {
  for (int done = 0;; ++done) {
    std::function<void()> task;
    {
      std::lock_guard lock(mutex_);
      if (tasks_.empty()) {
        running_ = false;
        return;
      }
      // Yield the worker now and then; if the pool is full, keep going here instead.
      if (done == kBatch) {
        if (pool_.try_submit([this, owner] { drain(owner); })) return;
        done = 0;
      }
      task = std::move(tasks_.front());
      tasks_.pop_front();
    }
    try {
      task();
    } catch (const std::exception& e) {
      log::error("collab task failed", {{"error", e.what()}});
    }
  }
}

}  // namespace od::collab
