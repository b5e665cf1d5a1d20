// Who may read which AI usage: a user their own (totals, per type, per day, recent jobs), admins
// everyone's in aggregate. Windows are bounded so a report never scans the whole history.
#pragma once

#include "ai/usage_store.h"
#include "auth/service.h"

namespace od::ai {

inline constexpr int64_t kMaxUsageWindowMs = 366LL * 24 * 3600 * 1000;
inline constexpr int64_t kDefaultUsageWindowMs = 30LL * 24 * 3600 * 1000;
inline constexpr int kMaxAggregateGroups = 1000;

struct MyUsage {
  UsageWindow window;
  UsageTotals totals;
  std::vector<UsageGroup> by_type;
  std::vector<UsageGroup> by_day;
  std::vector<JobUsage> jobs;
};

struct UsageAggregate {
  UsageWindow window;
  std::vector<UsageGroup> groups;
  bool truncated = false;  // more groups than asked for: narrow the window
};

class UsageService {
 public:
  explicit UsageService(UsageStore& store) : store_(store) {}

  // Throws 400 unless from < to and the window is at most kMaxUsageWindowMs.
  static void check_window(const UsageWindow& window);

  MyUsage mine(const auth::Principal& caller, UsageWindow window, const std::string& before_job,
               int limit);
  // 403 for callers who are not admins.
  UsageAggregate aggregate(const auth::Principal& caller, UsageWindow window, int limit);
  // Every usage row of the caller, oldest first (their data export). Erasure needs nothing here:
  // the rows go with the account (ON DELETE CASCADE).
  std::vector<UsageRecord> records(const auth::Principal& caller);

 private:
  UsageStore& store_;
};

}  // namespace od::ai
