// The jobs module's SQL: the queue table and every state change of a job. Each change is one
// short statement or transaction, guarded by the state it expects (a worker may only finish a job
// it still leases), so concurrent workers, reapers and cancels never overwrite each other.
//
// Times are explicit `now` parameters (Unix ms): tests drive retries and lease expiry without
// waiting. Claiming differs per driver: PostgreSQL skips rows other workers hold
// (FOR UPDATE SKIP LOCKED); SQLite has one writer, so a single UPDATE ... RETURNING is exclusive.
//
// Commits differ per driver too. SQLite: every write (insert, claim, complete, heartbeat, ...)
// goes through one WriteCombiner, so the submits and worker updates waiting at the same moment
// share one transaction and one fsync. PostgreSQL has concurrent writers and cheap commits: only
// inserts are combined (one NOTIFY per batch); the other writes commit on their own.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "db/database.h"
#include "jobs/job.h"
#include "jobs/write_combiner.h"

namespace od::jobs {

struct ListFilter {
  std::string owner_id;
  std::string status;  // empty: any
  std::string type;    // empty: any
  std::string before_id;
  int limit = 20;
};

// What a worker learns when it touches its job: whether it still holds the lease, and whether the
// owner asked to cancel.
struct LeaseState {
  bool held = false;
  bool cancel_requested = false;
  int64_t event_seq = 0;  // the job's event sequence after the change
};

// Exponential backoff before retry `attempt` (1-based: the attempt that just failed): 1 s, 2 s,
// 4 s, ... capped at 1 hour, scaled by `jitter` (the caller draws it from 0.8..1.2).
int64_t retry_delay_ms(int attempt, double jitter);

class JobStore {
 public:
  explicit JobStore(db::Database& db);

  // False when the owner already has a job with this idempotency key (nothing is written).
  // Concurrent writes are committed together (group commit); each returns once its job is.
  bool insert(const Job& job);
  enum class LimitedInsert { kInserted, kKeyTaken, kOverLimit };
  // insert(), unless the owner already has `max_in_flight` jobs queued or running. The count and
  // the insert share one transaction (on PostgreSQL behind a lock on the owner), so concurrent
  // submits, on any node, never pass the limit.
  LimitedInsert insert_within_limit(const Job& job, int64_t max_in_flight);
  std::optional<Job> find(const std::string& id);
  std::optional<Job> find_by_key(const std::string& owner_id, const std::string& key);
  // The newest done job of this owner with this input hash finished at or after `since`.
  std::optional<Job> find_done_by_hash(const std::string& owner_id, const std::string& hash,
                                       int64_t since);
  // Queued and running jobs of one owner.
  int64_t count_in_flight(const std::string& owner_id);
  std::vector<Job> list(const ListFilter& filter);
  // Jobs in one status across all owners (the queue-depth gauges).
  int64_t count_by_status(const std::string& status);
  // Transactions the write combiner committed so far (commits per job, for the benchmark).
  size_t combined_commits() const { return combiner_.batches_committed(); }

  // Leases up to `limit` queued jobs of `types` whose run_after has come, highest priority first,
  // to `worker` until now + lease_ms. Each job is returned to exactly one caller.
  std::vector<Job> claim(const std::string& worker, const std::vector<std::string>& types,
                         int limit, int64_t now, int64_t lease_ms);
  // Extends the lease (a heartbeat).
  LeaseState heartbeat(const std::string& id, const std::string& worker, int64_t now,
                       int64_t lease_ms);
  // Whether the owner asked to cancel the job (false for a job that does not exist).
  bool cancel_requested(const std::string& id);
  // Records progress (0..100) and extends the lease.
  LeaseState progress(const std::string& id, const std::string& worker, int percent,
                      const std::string& message, int64_t now, int64_t lease_ms);
  // running -> done with `result`; false when the lease was lost meanwhile.
  bool complete(const std::string& id, const std::string& worker, const nlohmann::json& result,
                int64_t now);
  // complete(), then claim() for the same worker, in one transaction: a busy worker finishes a job
  // and takes its next ones with one commit instead of two. The claim happens even when the lease
  // was lost (`completed` false).
  struct Completion {
    bool completed = false;
    std::vector<Job> next;
  };
  Completion complete_and_claim(const std::string& id, const std::string& worker,
                                const nlohmann::json& result, int64_t now,
                                const std::vector<std::string>& types, int limit, int64_t lease_ms);
  // A failed attempt. Retryable with attempts left: back to queued after retry_delay_ms(attempts,
  // jitter); otherwise failed for good (dead-lettered). Returns the job after the change, or
  // nullopt when the lease was lost meanwhile.
  std::optional<Job> fail(const std::string& id, const std::string& worker, const std::string& code,
                          const std::string& message, bool retryable, int64_t now, double jitter);
  // running -> canceled, when the handler stopped for a cancel request.
  bool finish_canceled(const std::string& id, const std::string& worker, int64_t now);
  // Gives a leased job back untouched (a draining worker that did not start it): the attempt
  // does not count.
  bool release(const std::string& id, const std::string& worker);
  // Running jobs whose lease ended before `now` go back to queued (or to failed when that was the
  // last attempt). Returns the jobs changed.
  std::vector<Job> requeue_expired(int64_t now);
  // queued -> canceled at once; running -> cancel_requested (the handler stops). Final jobs are
  // left as they are. Returns the job after the change, nullopt when it does not exist.
  std::optional<Job> cancel(const std::string& id, int64_t now);

 private:
  static constexpr size_t kMaxWriteBatch = 128;

  // Runs a write whose statements may commit one by one (each is guarded by the state it
  // expects); on SQLite it joins the combined transaction.
  void write(const std::function<void(db::Session&)>& body);
  // Runs a write whose statements must commit together.
  void write_atomically(const std::function<void(db::Session&)>& body);
  db::Result write_statement(std::string_view sql, const db::Params& params);
  bool insert_row(db::Session& s, const Job& job);
  std::string claim_sql(const std::string& worker, const std::vector<std::string>& types, int limit,
                        int64_t now, int64_t lease_ms, db::Params& params);

  db::Database& db_;
  WriteCombiner combiner_;
};

}  // namespace od::jobs
