#include "ai/usage_service.h"

#include "core/collect_pages.h"
#include "core/error.h"

namespace od::ai {

void UsageService::check_window(const UsageWindow& window) {
  if (window.from >= window.to) {
    throw validation_error("from must be before to", {{"field", "from"}});
  }
  if (window.to - window.from > kMaxUsageWindowMs) {
    throw validation_error("the window from..to may span at most 366 days", {{"field", "to"}});
  }
}

MyUsage UsageService::mine(const auth::Principal& caller, UsageWindow window,
                           const std::string& before_job, int limit) {
  check_window(window);
  MyUsage out;
  out.window = window;
  out.totals = store_.totals(caller.user_id, window);
  out.by_type = store_.by_type(caller.user_id, window);
  out.by_day = store_.by_day(caller.user_id, window);
  out.jobs = store_.recent_jobs(caller.user_id, window, before_job, limit);
  return out;
}

UsageAggregate UsageService::aggregate(const auth::Principal& caller, UsageWindow window,
                                       int limit) {
  if (!caller.is_admin()) throw forbidden("Only admins may read everyone's AI usage.");
  check_window(window);
  UsageAggregate out;
  out.window = window;
  out.groups = store_.aggregate(window, limit + 1);
  if (static_cast<int>(out.groups.size()) > limit) {
    out.groups.resize(limit);
    out.truncated = true;
  }
  return out;
}

std::vector<UsageRecord> UsageService::records(const auth::Principal& caller) {
  return collect_all_by_id([&](const std::string& after, int limit) {
    return store_.records(caller.user_id, after, limit);
  });
}

}  // namespace od::ai
