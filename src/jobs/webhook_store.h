// The SQL of webhooks: per-user signing secrets, delivery rows (one per job that named a
// webhook URL and reached a final state) and the log of their attempts. Several nodes may run
// dispatchers on one database: a delivery is taken with a lease (lease_until) by one of them.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "db/database.h"
#include "jobs/job.h"

namespace od::jobs {

struct DeliveryAttempt {
  int attempt = 0;
  int64_t at = 0;
  std::optional<int> status_code;
  std::string error;
  int64_t duration_ms = 0;
};

struct Delivery {
  std::string id;
  std::string job_id;
  std::string owner_id;
  std::string url;
  std::string event;
  std::string payload;
  std::string status;  // pending | delivered | failed
  int attempts = 0;
  int64_t next_attempt_at = 0;
  int64_t created_at = 0;
  int64_t finished_at = 0;
  std::vector<DeliveryAttempt> log;  // filled by list_for_job only
};

class WebhookStore {
 public:
  explicit WebhookStore(db::Database& db) : db_(db) {}

  // The user's signing secret, created from `fresh` when the user has none yet.
  std::string secret(const std::string& user_id, const std::string& fresh, int64_t now);
  // Replaces the user's secret with `fresh`.
  void set_secret(const std::string& user_id, const std::string& fresh, int64_t now);

  // Final jobs with a webhook URL whose delivery is not written yet (at most `limit`).
  std::vector<Job> unqueued_final_jobs(int limit);
  // Writes the delivery of a final job and marks the job queued, in one transaction; a second
  // call for the same job does nothing.
  void enqueue(const Job& job, const std::string& delivery_id, const std::string& event,
               const std::string& payload, int64_t now);
  // Leases up to `limit` pending deliveries that are due and not leased, until `lease_until`.
  std::vector<Delivery> claim_due(int limit, int64_t now, int64_t lease_until);
  // Records one attempt and the delivery's new state: delivered, failed (for good), or pending
  // again at `next_attempt_at`.
  void record_attempt(const std::string& delivery_id, const DeliveryAttempt& attempt,
                      const std::string& status, int64_t next_attempt_at);
  std::vector<Delivery> list_for_job(const std::string& job_id);

 private:
  db::Database& db_;
};

}  // namespace od::jobs
