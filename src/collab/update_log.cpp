#include "collab/update_log.h"

#include <algorithm>
#include <exception>
#include <utility>
#include <vector>

#include "core/log.h"

namespace od::collab {

UpdateLog::UpdateLog(CollabStore& store, size_t max_pending, size_t max_batch)
    : store_(store), max_pending_(max_pending), max_batch_(max_batch), thread_([this] { run(); }) {}

UpdateLog::~UpdateLog() { stop(); }

void UpdateLog::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

bool UpdateLog::append(std::string room, std::string project_id, std::string update, Done done) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ || queue_.size() >= max_pending_) return false;
    queue_.push_back(
        {{std::move(room), std::move(project_id), std::move(update)}, std::move(done)});
  }
  wake_.notify_one();
  return true;
}

UpdateLog::Stats UpdateLog::stats() const {
  std::lock_guard lock(mutex_);
  Stats out = stats_;
  out.pending = queue_.size();
  return out;
}

void UpdateLog::run() {
  std::vector<Pending> batch;
  std::vector<PendingAppend> appends;
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and everything queued is committed
      while (!queue_.empty() && batch.size() < max_batch_) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    appends.clear();
    for (auto& p : batch) appends.push_back(std::move(p.append));
    std::vector<std::optional<int64_t>> seqs(appends.size());
    size_t committed = 0;
    size_t commits = 0;
    try {
      auto stored = store_.append_batch(appends);
      std::copy(stored.begin(), stored.end(), seqs.begin());
      committed = stored.size();
      commits = 1;
    } catch (const std::exception& e) {
      // Nothing of the batch is stored (one transaction). One bad append (its project deleted a
      // moment ago, say) must not fail the others, so they are retried one by one.
      log::warn("collab group commit failed; committing one by one",
                {{"appends", appends.size()}, {"error", e.what()}});
      for (size_t i = 0; appends.size() > 1 && i < appends.size(); ++i) {
        try {
          seqs[i] = store_.append_batch({appends[i]}).front();
          ++committed;
          ++commits;
        } catch (const std::exception& single) {
          log::error("collab append failed", {{"room", appends[i].room}, {"error", single.what()}});
        }
      }
    }
    {
      std::lock_guard lock(mutex_);
      stats_.appends += committed;
      stats_.commits += commits;
    }
    for (size_t i = 0; i < batch.size(); ++i) {
      const std::optional<int64_t>& seq = seqs[i];
      try {
        batch[i].done(seq);
      } catch (const std::exception& e) {
        log::error("collab append callback threw", {{"error", e.what()}});
      }
    }
    batch.clear();
  }
}

}  // namespace od::collab
