// A fixed set of threads draining a bounded FIFO queue. Blocking work (database calls, file I/O,
// CPU-heavy engines) runs here so network threads never block; a full queue refuses new work
// instead of growing, so the caller can answer 503 rather than pile up memory and latency.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace od {

class WorkerPool {
 public:
  struct Stats {
    size_t threads = 0;
    size_t busy = 0;    // tasks running now
    size_t queued = 0;  // tasks waiting for a thread
  };

  // `name` only labels log lines about tasks that threw.
  WorkerPool(size_t threads, size_t max_queue, std::string name = "worker");
  ~WorkerPool();  // shutdown()
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // Queues `task`; false when the queue is full or the pool is shutting down. A task that throws
  // is logged and dropped: exceptions never escape a worker thread.
  bool try_submit(std::function<void()> task);
  // Refuses new work, finishes everything already queued, then joins the threads. Idempotent.
  void shutdown();
  Stats stats() const;

 private:
  void run();

  const size_t max_queue_;
  const std::string name_;
  mutable std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<std::function<void()>> queue_;
  size_t busy_ = 0;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace od
