// Group commit for room updates. Every update must be durable before it is relayed, and one
// commit per update makes the database's fsync the ceiling: on SQLite with synchronous=FULL that
// is a few hundred updates per second for the whole server, and queueing behind it costs every
// room latency. UpdateLog takes appends from every room, writes whatever has gathered while the
// previous commit was running in one transaction, and then reports each append's seq in the order
// the appends arrived. A burst costs one fsync, and an append on an idle server costs one too.
//
// Bounded: beyond `max_pending` waiting appends, append() refuses (the room sheds the sender).
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "collab/store.h"

namespace od::collab {

class UpdateLog {
 public:
  // Called on the log's thread once the append is committed (its seq) or has failed (nullopt).
  // Keep it short: post the follow-up work to the room's queue.
  using Done = std::function<void(std::optional<int64_t> seq)>;

  struct Stats {
    std::uint64_t appends = 0;  // committed
    std::uint64_t commits = 0;  // transactions that committed them
    size_t pending = 0;
  };

  explicit UpdateLog(CollabStore& store, size_t max_pending = 20000, size_t max_batch = 1000);
  ~UpdateLog();  // stop()
  UpdateLog(const UpdateLog&) = delete;
  UpdateLog& operator=(const UpdateLog&) = delete;

  // Queues the append; false when the log is full or stopping (`done` is then never called).
  bool append(std::string room, std::string project_id, std::string update, Done done);
  Stats stats() const;
  // Refuses new appends, commits what is queued (its callbacks run), then ends the log's thread.
  // Idempotent.
  void stop();

 private:
  struct Pending {
    PendingAppend append;
    Done done;
  };
  void run();

  CollabStore& store_;
  const size_t max_pending_;
  const size_t max_batch_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Pending> queue_;
  bool stopping_ = false;
  Stats stats_;
  std::thread thread_;  // last: starts after the members it uses exist
};

}  // namespace od::collab
