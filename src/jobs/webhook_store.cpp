#include "jobs/webhook_store.h"

namespace od::jobs {
namespace {

constexpr const char* kDeliveryColumns =
    "id, job_id, owner_id, url, event, payload, status, attempts, next_attempt_at, created_at, "
    "finished_at";

Delivery delivery_from_row(const db::Row& row) {
  Delivery d;
  d.id = row.text(0);
  d.job_id = row.text(1);
  d.owner_id = row.text(2);
  d.url = row.text(3);
  d.event = row.text(4);
  d.payload = row.text(5);
  d.status = row.text(6);
  d.attempts = static_cast<int>(row.integer(7));
  d.next_attempt_at = row.integer(8);
  d.created_at = row.integer(9);
  d.finished_at = row.integer(10);
  return d;
}

}  // namespace

std::string WebhookStore::secret(const std::string& user_id, const std::string& fresh,
                                 int64_t now) {
  db_.execute(
      "INSERT INTO webhook_secrets (user_id, secret, created_at) VALUES ($1, $2, $3) "
      "ON CONFLICT (user_id) DO NOTHING",
      {user_id, fresh, now});
  return db_.query("SELECT secret FROM webhook_secrets WHERE user_id = $1", {user_id})
      .rows.front()
      .text(0);
}

void WebhookStore::set_secret(const std::string& user_id, const std::string& fresh, int64_t now) {
  db_.execute(
      "INSERT INTO webhook_secrets (user_id, secret, created_at) VALUES ($1, $2, $3) "
      "ON CONFLICT (user_id) DO UPDATE SET secret = excluded.secret, "
      "created_at = excluded.created_at",
      {user_id, fresh, now});
}

std::vector<Job> WebhookStore::unqueued_final_jobs(int limit) {
  auto result = db_.query(
      "SELECT id, owner_id, webhook_url, status FROM jobs WHERE webhook_url IS NOT NULL AND "
      "webhook_queued = 0 AND status IN ('done', 'failed', 'canceled') LIMIT $1",
      {limit});
  std::vector<Job> jobs;
  for (const auto& row : result.rows) {
    Job job;
    job.id = row.text(0);
    job.owner_id = row.text(1);
    job.webhook_url = row.text(2);
    job.status = row.text(3);
    jobs.push_back(std::move(job));
  }
  return jobs;
}

void WebhookStore::enqueue(const Job& job, const std::string& delivery_id, const std::string& event,
                           const std::string& payload, int64_t now) {
  db_.transaction([&](db::Session& s) {
    auto marked =
        s.exec("UPDATE jobs SET webhook_queued = 1 WHERE id = $1 AND webhook_queued = 0", {job.id});
    if (marked.affected_rows == 0) return;  // another dispatcher wrote it
    s.exec(
        "INSERT INTO webhook_deliveries (id, job_id, owner_id, url, event, payload, status, "
        "attempts, next_attempt_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, 'pending', 0, "
        "$7, $7)",
        {delivery_id, job.id, job.owner_id, *job.webhook_url, event, payload, now});
  });
}

std::vector<Delivery> WebhookStore::claim_due(int limit, int64_t now, int64_t lease_until) {
  std::string pick =
      "SELECT id FROM webhook_deliveries WHERE status = 'pending' AND next_attempt_at <= $1 AND "
      "lease_until <= $1 ORDER BY next_attempt_at LIMIT $3";
  if (db_.dialect() == db::Dialect::Postgres) pick += " FOR UPDATE SKIP LOCKED";
  auto result = db_.execute("UPDATE webhook_deliveries SET lease_until = $2 WHERE id IN (" + pick +
                                ") RETURNING " + kDeliveryColumns,
                            {now, lease_until, limit});
  std::vector<Delivery> out;
  for (const auto& row : result.rows) out.push_back(delivery_from_row(row));
  return out;
}

void WebhookStore::record_attempt(const std::string& delivery_id, const DeliveryAttempt& a,
                                  const std::string& status, int64_t next_attempt_at) {
  db_.transaction([&](db::Session& s) {
    s.exec(
        "INSERT INTO webhook_attempts (delivery_id, attempt, at, status_code, error, duration_ms) "
        "VALUES ($1, $2, $3, $4, $5, $6)",
        {delivery_id, a.attempt, a.at,
         a.status_code ? db::Param(*a.status_code) : db::Param(nullptr),
         a.error.empty() ? db::Param(nullptr) : db::Param(a.error), a.duration_ms});
    bool final = status != "pending";
    s.exec(
        "UPDATE webhook_deliveries SET status = $2, attempts = $3, next_attempt_at = $4, "
        "lease_until = 0, finished_at = $5 WHERE id = $1",
        {delivery_id, status, a.attempt, next_attempt_at,
         final ? db::Param(a.at + a.duration_ms) : db::Param(nullptr)});
  });
}

std::vector<Delivery> WebhookStore::list_for_job(const std::string& job_id) {
  auto result = db_.query(std::string("SELECT ") + kDeliveryColumns +
                              " FROM webhook_deliveries WHERE job_id = $1 ORDER BY id",
                          {job_id});
  std::vector<Delivery> out;
  for (const auto& row : result.rows) {
    Delivery d = delivery_from_row(row);
    auto attempts = db_.query(
        "SELECT attempt, at, status_code, error, duration_ms FROM webhook_attempts "
        "WHERE delivery_id = $1 ORDER BY attempt",
        {d.id});
    for (const auto& a : attempts.rows) {
      DeliveryAttempt entry;
      entry.attempt = static_cast<int>(a.integer(0));
      entry.at = a.integer(1);
      if (auto code = a.optional_integer(2)) entry.status_code = static_cast<int>(*code);
      entry.error = a.text(3);
      entry.duration_ms = a.integer(4);
      d.log.push_back(std::move(entry));
    }
    out.push_back(std::move(d));
  }
  return out;
}

}  // namespace od::jobs
