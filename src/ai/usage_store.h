// The SQL of AI usage accounting: one row per attempt of a provider-backed job (tokens in and
// out, wall time, provider requests, outcome), and the sums users and admins read over a time
// window [from, to) in Unix milliseconds.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "db/database.h"

namespace od::ai {

inline constexpr char kSucceeded[] = "succeeded";
inline constexpr char kFailedOutcome[] = "failed";
inline constexpr char kCanceledOutcome[] = "canceled";

struct UsageRecord {
  std::string id;
  std::string user_id;
  std::string job_id;
  std::string job_type;
  std::string model;
  int attempt = 1;
  int requests = 0;
  int64_t prompt_tokens = 0;
  int64_t completion_tokens = 0;
  int64_t wall_ms = 0;
  std::string outcome;     // succeeded | failed | canceled
  std::string error_code;  // empty unless failed
  int64_t created_at = 0;
};

struct UsageTotals {
  int64_t jobs = 0;
  int64_t attempts = 0;
  int64_t requests = 0;
  int64_t prompt_tokens = 0;
  int64_t completion_tokens = 0;
  int64_t wall_ms = 0;
};

// Sums for one group; the fields not grouped by are empty.
struct UsageGroup {
  std::string user_id;
  std::string job_type;
  std::string day;  // YYYY-MM-DD (UTC)
  UsageTotals totals;
};

// One job's attempts summed, with how its latest attempt ended.
struct JobUsage {
  std::string job_id;
  std::string job_type;
  std::string model;
  std::string last_outcome;
  std::string last_error_code;
  int64_t last_at = 0;
  UsageTotals totals;
};

struct UsageWindow {
  int64_t from = 0;
  int64_t to = 0;
};

// "2026-11-24" for a Unix-ms time (UTC).
std::string utc_day(int64_t unix_ms);

class UsageStore {
 public:
  explicit UsageStore(db::Database& db) : db_(db) {}

  void record(const UsageRecord& record);

  UsageTotals totals(const std::string& user_id, UsageWindow window);
  std::vector<UsageGroup> by_type(const std::string& user_id, UsageWindow window);
  std::vector<UsageGroup> by_day(const std::string& user_id, UsageWindow window);
  // The user's jobs with usage in the window, newest first, those with ids below `before_job_id`
  // when it is set (keyset paging; ids are time-ordered).
  std::vector<JobUsage> recent_jobs(const std::string& user_id, UsageWindow window,
                                    const std::string& before_job_id, int limit);
  // Every user's usage per user, type and day (newest day first), at most `limit` groups.
  std::vector<UsageGroup> aggregate(UsageWindow window, int limit);
  // The user's rows one by one, oldest first, after `after_id` (keyset): their data export.
  std::vector<UsageRecord> records(const std::string& user_id, const std::string& after_id,
                                   int limit);

 private:
  db::Database& db_;
};

}  // namespace od::ai
