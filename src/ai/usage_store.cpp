#include "ai/usage_store.h"

#include <ctime>

namespace od::ai {
namespace {

// The sums every report shows, in UsageTotals order.
constexpr const char* kSums =
    "COUNT(DISTINCT job_id), COUNT(*), COALESCE(SUM(requests), 0), "
    "COALESCE(SUM(prompt_tokens), 0), COALESCE(SUM(completion_tokens), 0), "
    "COALESCE(SUM(wall_ms), 0)";

UsageTotals totals_from(const db::Row& row, size_t first) {
  return {row.integer(first),     row.integer(first + 1), row.integer(first + 2),
          row.integer(first + 3), row.integer(first + 4), row.integer(first + 5)};
}

}  // namespace

std::string utc_day(int64_t unix_ms) {
  time_t seconds = static_cast<time_t>(unix_ms / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char out[16];
  std::strftime(out, sizeof out, "%Y-%m-%d", &tm);
  return out;
}

void UsageStore::record(const UsageRecord& r) {
  db_.execute(
      "INSERT INTO ai_usage (id, user_id, job_id, job_type, model, attempt, requests, "
      "prompt_tokens, completion_tokens, wall_ms, outcome, error_code, day, created_at) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
      {r.id, r.user_id, r.job_id, r.job_type, r.model, r.attempt, r.requests, r.prompt_tokens,
       r.completion_tokens, r.wall_ms, r.outcome,
       r.error_code.empty() ? db::Param(nullptr) : db::Param(r.error_code), utc_day(r.created_at),
       r.created_at});
}

UsageTotals UsageStore::totals(const std::string& user_id, UsageWindow w) {
  auto result = db_.query(std::string("SELECT ") + kSums +
                              " FROM ai_usage WHERE user_id = $1 AND created_at >= $2 AND "
                              "created_at < $3",
                          {user_id, w.from, w.to});
  return totals_from(result.rows.front(), 0);
}

std::vector<UsageGroup> UsageStore::by_type(const std::string& user_id, UsageWindow w) {
  auto result = db_.query(std::string("SELECT job_type, ") + kSums +
                              " FROM ai_usage WHERE user_id = $1 AND created_at >= $2 AND "
                              "created_at < $3 GROUP BY job_type ORDER BY job_type",
                          {user_id, w.from, w.to});
  std::vector<UsageGroup> out;
  for (const auto& row : result.rows) {
    out.push_back({user_id, row.text(0), "", totals_from(row, 1)});
  }
  return out;
}

std::vector<UsageGroup> UsageStore::by_day(const std::string& user_id, UsageWindow w) {
  auto result = db_.query(std::string("SELECT day, ") + kSums +
                              " FROM ai_usage WHERE user_id = $1 AND created_at >= $2 AND "
                              "created_at < $3 GROUP BY day ORDER BY day",
                          {user_id, w.from, w.to});
  std::vector<UsageGroup> out;
  for (const auto& row : result.rows) {
    out.push_back({user_id, "", row.text(0), totals_from(row, 1)});
  }
  return out;
}

std::vector<JobUsage> UsageStore::recent_jobs(const std::string& user_id, UsageWindow w,
                                              const std::string& before_job_id, int limit) {
  db::Params params = {user_id, w.from, w.to};
  std::string sql = std::string("SELECT job_id, job_type, MAX(model), MAX(created_at), ") + kSums +
                    ", (SELECT l.outcome FROM ai_usage l WHERE l.job_id = u.job_id "
                    "ORDER BY l.attempt DESC, l.id DESC LIMIT 1), "
                    "(SELECT l.error_code FROM ai_usage l WHERE l.job_id = u.job_id "
                    "ORDER BY l.attempt DESC, l.id DESC LIMIT 1) "
                    "FROM ai_usage u WHERE user_id = $1 AND created_at >= $2 AND created_at < $3";
  if (!before_job_id.empty()) {
    params.emplace_back(before_job_id);
    sql += " AND job_id < $4";
  }
  params.emplace_back(limit);
  sql += " GROUP BY job_id, job_type ORDER BY job_id DESC LIMIT $" + std::to_string(params.size());
  auto result = db_.query(sql, params);
  std::vector<JobUsage> out;
  for (const auto& row : result.rows) {
    JobUsage job;
    job.job_id = row.text(0);
    job.job_type = row.text(1);
    job.model = row.text(2);
    job.last_at = row.integer(3);
    job.totals = totals_from(row, 4);
    job.last_outcome = row.text(10);
    job.last_error_code = row.text(11);
    out.push_back(std::move(job));
  }
  return out;
}

std::vector<UsageGroup> UsageStore::aggregate(UsageWindow w, int limit) {
  auto result = db_.query(std::string("SELECT user_id, job_type, day, ") + kSums +
                              " FROM ai_usage WHERE created_at >= $1 AND created_at < $2 "
                              "GROUP BY user_id, job_type, day "
                              "ORDER BY day DESC, user_id, job_type LIMIT $3",
                          {w.from, w.to, limit});
  std::vector<UsageGroup> out;
  for (const auto& row : result.rows) {
    out.push_back({row.text(0), row.text(1), row.text(2), totals_from(row, 3)});
  }
  return out;
}

std::vector<UsageRecord> UsageStore::records(const std::string& user_id,
                                             const std::string& after_id, int limit) {
  auto result = db_.query(
      "SELECT id, user_id, job_id, job_type, model, attempt, requests, prompt_tokens, "
      "completion_tokens, wall_ms, outcome, error_code, created_at FROM ai_usage "
      "WHERE user_id = $1 AND id > $2 ORDER BY id LIMIT $3",
      {user_id, after_id, limit});
  std::vector<UsageRecord> out;
  for (const auto& row : result.rows) {
    UsageRecord r;
    r.id = row.text(0);
    r.user_id = row.text(1);
    r.job_id = row.text(2);
    r.job_type = row.text(3);
    r.model = row.text(4);
    r.attempt = static_cast<int>(row.integer(5));
    r.requests = static_cast<int>(row.integer(6));
    r.prompt_tokens = row.integer(7);
    r.completion_tokens = row.integer(8);
    r.wall_ms = row.integer(9);
    r.outcome = row.text(10);
    r.error_code = row.is_null(11) ? "" : row.text(11);
    r.created_at = row.integer(12);
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace od::ai
