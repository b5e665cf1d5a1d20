// Runs tasks one at a time, in order, on a shared WorkerPool: a room's "strand" off the network
// threads. Every change to a room goes through its queue, so the room needs no lock, and the
// database writes and engine work it does never block a network thread. Bounded: a full queue
// refuses the task so the caller can shed load instead of piling up memory.
//
// The queue lives inside its owner (a Room), not in an allocation of its own: every post names
// the owner, whom the scheduled drain keeps alive until it has stopped touching the queue.
#pragma once

#include <cstddef>
#include <functional>
#include <list>
#include <memory>
#include <mutex>

#include "core/small_mutex.h"
#include "core/worker_pool.h"

namespace od::collab {

class SerialQueue {
 public:
  SerialQueue(WorkerPool& pool, size_t max_pending) : pool_(pool), max_pending_(max_pending) {}
  SerialQueue(const SerialQueue&) = delete;
  SerialQueue& operator=(const SerialQueue&) = delete;

  // False when the queue is full or the pool refused to run it. A `must_run` task (a leave, which
  // frees what a join took) skips the bound, and runs on the caller's thread if the pool refuses.
  // `owner` holds the queue (and outlives every task it runs).
  bool post(const std::shared_ptr<void>& owner, std::function<void()> task, bool must_run = false);

 private:
  void drain(const std::shared_ptr<void>& owner);

  WorkerPool& pool_;
  const size_t max_pending_;
  // A list, not a deque: an idle room's empty deque would still hold ~600 bytes.
  std::list<std::function<void()>> tasks_;
  SmallMutex mutex_;
  bool running_ = false;  // a drain() is scheduled or running
};

}  // namespace od::collab
