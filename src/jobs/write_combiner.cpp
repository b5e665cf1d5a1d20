#include "jobs/write_combiner.h"

#include <algorithm>

namespace od::jobs {

WriteCombiner::WriteCombiner(db::Database& db, size_t max_batch, std::string closing_sql)
    : db_(db), max_batch_(std::max<size_t>(max_batch, 1)), closing_sql_(std::move(closing_sql)) {}

void WriteCombiner::run(const Write& write) {
  Pending mine;
  mine.write = &write;
  std::unique_lock lock(mutex_);
  queue_.push_back(&mine);
  mine.wake.wait(lock, [&] { return mine.done || (!leading_ && queue_.front() == &mine); });
  if (!mine.done) {
    // Head of the queue and nobody committing: lead a batch of everything queued so far.
    leading_ = true;
    auto take = static_cast<std::ptrdiff_t>(std::min(queue_.size(), max_batch_));
    std::vector<Pending*> batch(queue_.begin(), queue_.begin() + take);
    queue_.erase(queue_.begin(), queue_.begin() + take);
    lock.unlock();
    commit(batch);
    lock.lock();
    leading_ = false;
    // Waiters cannot leave wait() before this thread releases the mutex, so their Pending is
    // still alive while it is notified here.
    for (auto* pending : batch) {
      pending->done = true;
      if (pending != &mine) pending->wake.notify_one();
    }
    if (!queue_.empty()) queue_.front()->wake.notify_one();  // the next leader
  }
  if (mine.error) std::rethrow_exception(mine.error);
}

void WriteCombiner::commit(const std::vector<Pending*>& batch) {
  try {
    transact(batch);
    return;
  } catch (...) {
    if (batch.size() == 1) {
      batch.front()->error = std::current_exception();
      return;
    }
  }
  // One write failed and took the others' transaction with it. Rare (the writes are guarded
  // updates of validated input), so the common case pays for no savepoints: each write runs
  // again alone and keeps its own outcome.
  for (auto* pending : batch) {
    try {
      transact({pending});
    } catch (...) {
      pending->error = std::current_exception();
    }
  }
}

void WriteCombiner::transact(const std::vector<Pending*>& writes) {
  db_.transaction([&](db::Session& s) {
    for (auto* pending : writes) (*pending->write)(s);
    if (!closing_sql_.empty()) s.exec(closing_sql_);
  });
  ++batches_;
}

size_t WriteCombiner::batches_committed() const { return batches_.load(); }

size_t WriteCombiner::waiting() const {
  std::lock_guard lock(mutex_);
  return queue_.size();
}

}  // namespace od::jobs
