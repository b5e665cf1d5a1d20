// Commits many callers' writes together: one transaction, so one commit (one fsync on SQLite)
// for whatever writes are waiting, instead of one each. SQLite has a single writer and fsyncs
// every commit, so the job queue's throughput is set by commits, not by statements.
//
// Leader/follower, no thread of its own: the caller at the head of the queue, when no batch is
// being committed, takes everything queued (up to a bound) and commits it for all; the others
// sleep until their batch committed. Each caller returns only after the transaction holding its
// write committed: nothing is acknowledged before it is durable.
//
// Every write keeps its own outcome: when one throws, the batch is rolled back and each write
// runs again alone in its own transaction, so only the failing caller gets the exception. Writes
// run one after another on one connection, in the order they were queued, so each sees the ones
// before it (a claim sees a job inserted earlier in the same batch; two claims never take the
// same job).
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "db/database.h"

namespace od::jobs {

class WriteCombiner {
 public:
  using Write = std::function<void(db::Session&)>;

  // `closing_sql`, when set, runs once at the end of every batch (PostgreSQL: one NOTIFY for all
  // the jobs the batch inserted).
  WriteCombiner(db::Database& db, size_t max_batch, std::string closing_sql = "");

  // Runs `write` in a transaction shared with the other waiting writes and returns once that
  // transaction committed. Rethrows what `write` threw, or its transaction's failure (then none
  // of its changes are kept). `write` may run twice (again alone after a failed batch): it must
  // use only the Session it is given and set its outputs afresh on each run.
  void run(const Write& write);

  // Transactions committed so far, and writes waiting for the next one (figures for tests and
  // benchmarks).
  size_t batches_committed() const;
  size_t waiting() const;

 private:
  struct Pending {
    const Write* write = nullptr;
    bool done = false;
    std::exception_ptr error;
    std::condition_variable wake;  // its batch committed, or it is the head and may lead
  };

  void commit(const std::vector<Pending*>& batch);
  void transact(const std::vector<Pending*>& writes);  // one transaction; throws on failure

  db::Database& db_;
  const size_t max_batch_;
  const std::string closing_sql_;
  mutable std::mutex mutex_;
  std::deque<Pending*> queue_;
  bool leading_ = false;  // a batch is being committed now
  std::atomic<size_t> batches_{0};
};

}  // namespace od::jobs
