#include "jobs/store.h"

#include <algorithm>
#include <cmath>

namespace od::jobs {
namespace {

constexpr const char* kColumns =
    "id, type, owner_id, project_id, input, input_hash, idempotency_key, status, priority, "
    "run_after, attempts, max_attempts, lease_owner, lease_expires_at, heartbeat_at, progress, "
    "progress_message, result, error_code, error_message, cancel_requested, event_seq, "
    "created_at, started_at, finished_at, webhook_url";

constexpr int64_t kMaxRetryDelayMs = 3600 * 1000;

constexpr const char* kCompleteSql =
    "UPDATE jobs SET status = 'done', result = $3, progress = 100, finished_at = $4, "
    "lease_owner = NULL, lease_expires_at = NULL, event_seq = event_seq + 1 "
    "WHERE id = $1 AND lease_owner = $2 AND status = 'running'";

nlohmann::json parse_stored(const std::string& text) {
  auto value = nlohmann::json::parse(text, nullptr, false);
  return value.is_discarded() ? nlohmann::json(nullptr) : value;
}

Job job_from_row(const db::Row& row) {
  Job j;
  j.id = row.text(0);
  j.type = row.text(1);
  j.owner_id = row.text(2);
  j.project_id = row.optional_text(3);
  j.input = parse_stored(row.text(4));
  j.input_hash = row.text(5);
  j.idempotency_key = row.optional_text(6);
  j.status = row.text(7);
  j.priority = static_cast<int>(row.integer(8));
  j.run_after = row.integer(9);
  j.attempts = static_cast<int>(row.integer(10));
  j.max_attempts = static_cast<int>(row.integer(11));
  j.lease_owner = row.text(12);
  j.lease_expires_at = row.integer(13);
  j.heartbeat_at = row.integer(14);
  j.progress = static_cast<int>(row.integer(15));
  j.progress_message = row.text(16);
  if (auto result = row.optional_text(17)) j.result = parse_stored(*result);
  j.error_code = row.text(18);
  j.error_message = row.text(19);
  j.cancel_requested = row.boolean(20);
  j.event_seq = row.integer(21);
  j.created_at = row.integer(22);
  j.started_at = row.integer(23);
  j.finished_at = row.integer(24);
  j.webhook_url = row.optional_text(25);
  return j;
}

std::optional<Job> first_job(const db::Result& result) {
  if (result.empty()) return std::nullopt;
  return job_from_row(result.rows.front());
}

std::vector<Job> all_jobs(const db::Result& result) {
  std::vector<Job> out;
  out.reserve(result.rows.size());
  for (const auto& row : result.rows) out.push_back(job_from_row(row));
  return out;
}

LeaseState lease_state(const db::Result& result) {
  if (result.empty()) return {};
  return {true, result.rows.front().boolean(0), result.rows.front().integer(1)};
}

std::string returning() { return std::string(" RETURNING ") + kColumns; }

}  // namespace

int64_t retry_delay_ms(int attempt, double jitter) {
  int exponent = std::clamp(attempt - 1, 0, 20);
  auto base = std::min<int64_t>(int64_t{1000} << exponent, kMaxRetryDelayMs);
  return static_cast<int64_t>(std::llround(static_cast<double>(base) * jitter));
}

namespace {

// PostgreSQL outside a transaction: each statement commits on its own, as a db_.execute() would.
class AutocommitSession final : public db::Session {
 public:
  explicit AutocommitSession(db::Database& db) : db_(db) {}
  db::Result exec(std::string_view sql, const db::Params& params) override {
    return db_.execute(sql, params);
  }

 private:
  db::Database& db_;
};

// NOTIFY in the inserting transaction is delivered only once the jobs are committed; it wakes the
// workers of every node (see PgWakeup).
std::string closing_sql(const db::Database& db) {
  return db.dialect() == db::Dialect::Postgres ? "SELECT pg_notify('jobs', '')" : "";
}

}  // namespace

JobStore::JobStore(db::Database& db) : db_(db), combiner_(db, kMaxWriteBatch, closing_sql(db)) {}

void JobStore::write(const std::function<void(db::Session&)>& body) {
  if (db_.dialect() == db::Dialect::Sqlite) return combiner_.run(body);
  AutocommitSession session(db_);
  body(session);
}

void JobStore::write_atomically(const std::function<void(db::Session&)>& body) {
  // A combined write is atomic: it commits whole with its batch, or is undone and runs alone.
  if (db_.dialect() == db::Dialect::Sqlite) return combiner_.run(body);
  db_.transaction(body);
}

db::Result JobStore::write_statement(std::string_view sql, const db::Params& params) {
  if (db_.dialect() != db::Dialect::Sqlite) return db_.execute(sql, params);
  db::Result result;
  combiner_.run([&](db::Session& s) { result = s.exec(sql, params); });
  return result;
}

// One job's INSERT; false when its idempotency key is taken (the only unique key a new job can
// meet: ids are fresh).
bool JobStore::insert_row(db::Session& s, const Job& j) {
  return s.exec(
              "INSERT INTO jobs (id, type, owner_id, project_id, input, input_hash, "
              "idempotency_key, status, priority, run_after, attempts, max_attempts, created_at, "
              "webhook_url) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 0, $11, $12, $13) "
              "ON CONFLICT DO NOTHING",
              {j.id, j.type, j.owner_id, j.project_id, j.input.dump(), j.input_hash,
               j.idempotency_key, j.status, j.priority, j.run_after, j.max_attempts, j.created_at,
               j.webhook_url})
             .affected_rows > 0;
}

bool JobStore::insert(const Job& j) {
  // Combined on both drivers: submits that arrive while another batch commits are inserted
  // together in the next transaction (and on PostgreSQL share one NOTIFY).
  bool inserted = false;
  combiner_.run([&](db::Session& s) { inserted = insert_row(s, j); });
  return inserted;
}

JobStore::LimitedInsert JobStore::insert_within_limit(const Job& j, int64_t max_in_flight) {
  LimitedInsert outcome = LimitedInsert::kKeyTaken;
  combiner_.run([&](db::Session& s) {
    outcome = LimitedInsert::kKeyTaken;  // a combined write may run twice: start afresh
    if (db_.dialect() == db::Dialect::Postgres) {
      // Submits of this owner in other transactions (other nodes) wait here until this one
      // commits, so the count below includes every job they insert.
      s.exec("SELECT pg_advisory_xact_lock(hashtextextended($1, 3))", {j.owner_id});
    }
    // Counts no further than the limit: the answer is the same, and it stays cheap for a user
    // with a long queue.
    auto counted = s.exec(
        "SELECT COUNT(*) FROM (SELECT 1 FROM jobs WHERE owner_id = $1 AND "
        "status IN ('queued', 'running') LIMIT $2) AS in_flight",
        {j.owner_id, max_in_flight});
    if (counted.rows.front().integer(0) >= max_in_flight) {
      outcome = LimitedInsert::kOverLimit;
      return;
    }
    if (insert_row(s, j)) outcome = LimitedInsert::kInserted;
  });
  return outcome;
}

std::optional<Job> JobStore::find(const std::string& id) {
  return first_job(db_.query(std::string("SELECT ") + kColumns + " FROM jobs WHERE id = $1", {id}));
}

std::optional<Job> JobStore::find_by_key(const std::string& owner_id, const std::string& key) {
  return first_job(db_.query(
      std::string("SELECT ") + kColumns + " FROM jobs WHERE owner_id = $1 AND idempotency_key = $2",
      {owner_id, key}));
}

std::optional<Job> JobStore::find_done_by_hash(const std::string& owner_id, const std::string& hash,
                                               int64_t since) {
  return first_job(db_.query(std::string("SELECT ") + kColumns +
                                 " FROM jobs WHERE owner_id = $1 AND input_hash = $2 AND "
                                 "status = 'done' AND finished_at >= $3 "
                                 "ORDER BY finished_at DESC LIMIT 1",
                             {owner_id, hash, since}));
}

int64_t JobStore::count_in_flight(const std::string& owner_id) {
  auto result =
      db_.query("SELECT COUNT(*) FROM jobs WHERE owner_id = $1 AND status IN ('queued', 'running')",
                {owner_id});
  return result.rows.front().integer(0);
}

int64_t JobStore::count_by_status(const std::string& status) {
  return db_.query("SELECT COUNT(*) FROM jobs WHERE status = $1", {status}).rows.front().integer(0);
}

std::vector<Job> JobStore::list(const ListFilter& f) {
  db::Params params;
  auto arg = [&params](db::Param value) {
    params.push_back(std::move(value));
    return "$" + std::to_string(params.size());
  };
  std::string sql =
      std::string("SELECT ") + kColumns + " FROM jobs WHERE owner_id = " + arg(f.owner_id);
  if (!f.status.empty()) sql += " AND status = " + arg(f.status);
  if (!f.type.empty()) sql += " AND type = " + arg(f.type);
  if (!f.before_id.empty()) sql += " AND id < " + arg(f.before_id);
  sql += " ORDER BY id DESC LIMIT " + arg(f.limit);
  return all_jobs(db_.query(sql, params));
}

// The claim statement of claim() and complete_and_claim(); empty when there is nothing to claim.
std::string JobStore::claim_sql(const std::string& worker, const std::vector<std::string>& types,
                                int limit, int64_t now, int64_t lease_ms, db::Params& params) {
  if (types.empty() || limit <= 0) return "";
  params = {worker, now + lease_ms, now, limit};
  std::string in_types;
  for (const auto& type : types) {
    params.emplace_back(type);
    in_types += (in_types.empty() ? "$" : ", $") + std::to_string(params.size());
  }
  std::string pick =
      "SELECT id FROM jobs WHERE status = 'queued' AND run_after <= $3 AND type IN (" + in_types +
      ") ORDER BY priority DESC, run_after, id LIMIT $4";
  // PostgreSQL: rows another worker is claiming are skipped, not waited for. SQLite: the
  // statement runs under the single write lock, so the picked rows cannot be taken meanwhile.
  // Either way the outer UPDATE finds the rows by primary key; repeating the status test there
  // would make SQLite scan every queued row.
  if (db_.dialect() == db::Dialect::Postgres) pick += " FOR UPDATE SKIP LOCKED";
  return "UPDATE jobs SET status = 'running', attempts = attempts + 1, lease_owner = $1, "
         "lease_expires_at = $2, heartbeat_at = $3, started_at = COALESCE(started_at, $3), "
         "event_seq = event_seq + 1 WHERE id IN (" +
         pick + ")" + returning();
}

namespace {

// Claimed jobs in the order the worker should run them (RETURNING does not keep the pick order).
std::vector<Job> in_run_order(std::vector<Job> jobs) {
  std::sort(jobs.begin(), jobs.end(), [](const Job& a, const Job& b) {
    return a.priority != b.priority ? a.priority > b.priority : a.id < b.id;
  });
  return jobs;
}

}  // namespace

std::vector<Job> JobStore::claim(const std::string& worker, const std::vector<std::string>& types,
                                 int limit, int64_t now, int64_t lease_ms) {
  db::Params params;
  std::string sql = claim_sql(worker, types, limit, now, lease_ms, params);
  if (sql.empty()) return {};
  return in_run_order(all_jobs(write_statement(sql, params)));
}

JobStore::Completion JobStore::complete_and_claim(const std::string& id, const std::string& worker,
                                                  const nlohmann::json& result, int64_t now,
                                                  const std::vector<std::string>& types, int limit,
                                                  int64_t lease_ms) {
  Completion out;
  db::Params params;
  std::string claim = claim_sql(worker, types, limit, now, lease_ms, params);
  std::string result_text = result.dump();
  write_atomically([&](db::Session& s) {
    out = {};
    out.completed = s.exec(kCompleteSql, {id, worker, result_text, now}).affected_rows > 0;
    if (!claim.empty()) out.next = in_run_order(all_jobs(s.exec(claim, params)));
  });
  return out;
}

LeaseState JobStore::heartbeat(const std::string& id, const std::string& worker, int64_t now,
                               int64_t lease_ms) {
  return lease_state(
      write_statement("UPDATE jobs SET heartbeat_at = $3, lease_expires_at = $4 "
                      "WHERE id = $1 AND lease_owner = $2 AND status = 'running' RETURNING "
                      "cancel_requested, event_seq",
                      {id, worker, now, now + lease_ms}));
}

bool JobStore::cancel_requested(const std::string& id) {
  auto result = db_.query("SELECT cancel_requested FROM jobs WHERE id = $1", {id});
  return !result.empty() && result.rows.front().boolean(0);
}

LeaseState JobStore::progress(const std::string& id, const std::string& worker, int percent,
                              const std::string& message, int64_t now, int64_t lease_ms) {
  return lease_state(
      write_statement("UPDATE jobs SET progress = $3, progress_message = $4, heartbeat_at = $5, "
                      "lease_expires_at = $6, event_seq = event_seq + 1 "
                      "WHERE id = $1 AND lease_owner = $2 AND status = 'running' RETURNING "
                      "cancel_requested, event_seq",
                      {id, worker, std::clamp(percent, 0, 100), message, now, now + lease_ms}));
}

bool JobStore::complete(const std::string& id, const std::string& worker,
                        const nlohmann::json& result, int64_t now) {
  return write_statement(kCompleteSql, {id, worker, result.dump(), now}).affected_rows > 0;
}

std::optional<Job> JobStore::fail(const std::string& id, const std::string& worker,
                                  const std::string& code, const std::string& message,
                                  bool retryable, int64_t now, double jitter) {
  std::optional<Job> out;
  write_atomically([&](db::Session& s) {
    out.reset();
    auto current = s.exec(
        "SELECT attempts, max_attempts FROM jobs WHERE id = $1 AND lease_owner = $2 AND "
        "status = 'running'" +
            std::string(db_.dialect() == db::Dialect::Postgres ? " FOR UPDATE" : ""),
        {id, worker});
    if (current.empty()) return;
    int attempts = static_cast<int>(current.rows.front().integer(0));
    int max_attempts = static_cast<int>(current.rows.front().integer(1));
    db::Result changed;
    if (retryable && attempts < max_attempts) {
      changed = s.exec(
          "UPDATE jobs SET status = 'queued', run_after = $2, error_code = $3, "
          "error_message = $4, lease_owner = NULL, lease_expires_at = NULL, "
          "event_seq = event_seq + 1 WHERE id = $1" +
              returning(),
          {id, now + retry_delay_ms(attempts, jitter), code, message});
    } else {
      changed = s.exec(
          "UPDATE jobs SET status = 'failed', error_code = $2, error_message = $3, "
          "finished_at = $4, lease_owner = NULL, lease_expires_at = NULL, "
          "event_seq = event_seq + 1 WHERE id = $1" +
              returning(),
          {id, code, message, now});
    }
    out = first_job(changed);
  });
  return out;
}

bool JobStore::finish_canceled(const std::string& id, const std::string& worker, int64_t now) {
  return write_statement(
             "UPDATE jobs SET status = 'canceled', finished_at = $3, lease_owner = NULL, "
             "lease_expires_at = NULL, event_seq = event_seq + 1 "
             "WHERE id = $1 AND lease_owner = $2 AND status = 'running'",
             {id, worker, now})
             .affected_rows > 0;
}

bool JobStore::release(const std::string& id, const std::string& worker) {
  return write_statement(
             "UPDATE jobs SET status = 'queued', attempts = attempts - 1, lease_owner = NULL, "
             "lease_expires_at = NULL, event_seq = event_seq + 1 "
             "WHERE id = $1 AND lease_owner = $2 AND status = 'running'",
             {id, worker})
             .affected_rows > 0;
}

std::vector<Job> JobStore::requeue_expired(int64_t now) {
  // One statement per reaper round, cheap on every node (an index range on jobs_lease). A job its
  // owner asked to cancel ends canceled; one whose last attempt's worker vanished is
  // dead-lettered rather than run again; the others go back to the queue. SET expressions read
  // the row as it was, so the CASEs agree on which of the three a job takes.
  std::string pick = "SELECT id FROM jobs WHERE status = 'running' AND lease_expires_at < $1";
  // PostgreSQL, several nodes: rows another node's reaper (or a heartbeat) holds are skipped, not
  // waited for; each expired job is changed, and announced, by exactly one reaper.
  if (db_.dialect() == db::Dialect::Postgres) pick += " FOR UPDATE SKIP LOCKED";
  constexpr char kGone[] = "(cancel_requested = 1)";
  constexpr char kDead[] = "(cancel_requested = 0 AND attempts >= max_attempts)";
  std::vector<Job> changed;
  write([&](db::Session& s) {
    changed = all_jobs(s.exec(
        std::string("UPDATE jobs SET status = CASE WHEN ") + kGone + " THEN 'canceled' WHEN " +
            kDead + " THEN 'failed' ELSE 'queued' END, " + "error_code = CASE WHEN " + kDead +
            " THEN 'lease_expired' ELSE error_code END, " + "error_message = CASE WHEN " + kDead +
            " THEN 'The worker running the job stopped responding.' ELSE error_message END, " +
            "finished_at = CASE WHEN " + kGone + " OR " + kDead +
            " THEN $1 ELSE finished_at END, " + "run_after = CASE WHEN " + kGone + " OR " + kDead +
            " THEN run_after ELSE $1 END, " +
            "lease_owner = NULL, lease_expires_at = NULL, event_seq = event_seq + 1 " +
            "WHERE id IN (" + pick + ") AND status = 'running'" + returning(),
        {now}));
  });
  return changed;
}

std::optional<Job> JobStore::cancel(const std::string& id, int64_t now) {
  // Two guarded statements, each a no-op unless the job is in the state it expects; whichever
  // applies (if any) wins, and a job finishing in between is simply left final.
  std::optional<Job> changed;
  write([&](db::Session& s) {
    changed = first_job(
        s.exec("UPDATE jobs SET status = 'canceled', cancel_requested = 1, finished_at = $2, "
               "event_seq = event_seq + 1 WHERE id = $1 AND status = 'queued'" +
                   returning(),
               {id, now}));
    if (changed) return;
    changed =
        first_job(s.exec("UPDATE jobs SET cancel_requested = 1, event_seq = event_seq + 1 "
                         "WHERE id = $1 AND status = 'running' AND cancel_requested = 0" +
                             returning(),
                         {id}));
  });
  return changed ? changed : find(id);
}

}  // namespace od::jobs
