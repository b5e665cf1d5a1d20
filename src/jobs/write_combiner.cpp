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
    ++batches_;
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
    db_.transaction([&](db::Session& s) {
      if (batch.size() == 1) {
        (*batch.front()->write)(s);  // alone: its failure is the transaction's
      } else {
        for (auto* pending : batch) {
          s.exec("SAVEPOINT combined_write");
          try {
            (*pending->write)(s);
          } catch (...) {
            pending->error = std::current_exception();
            // If even this fails the transaction is lost: the catch below fails the whole batch.
            s.exec("ROLLBACK TO combined_write");
          }
          s.exec("RELEASE combined_write");
        }
      }
      if (!closing_sql_.empty()) s.exec(closing_sql_);
    });
  } catch (...) {
    for (auto* pending : batch) pending->error = std::current_exception();
  }
}

size_t WriteCombiner::batches_committed() const {
  std::lock_guard lock(mutex_);
  return batches_;
}

size_t WriteCombiner::waiting() const {
  std::lock_guard lock(mutex_);
  return queue_.size();
}

}  // namespace od::jobs
