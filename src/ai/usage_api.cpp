#include "ai/usage_api.h"

#include <charconv>

#include "auth/request_auth.h"
#include "core/error.h"
#include "core/pagination.h"
#include "core/time.h"

namespace od::ai {
namespace {

using http::Method;
using http::Request;
using http::Response;

// `from`/`to` as RFC 3339 times or YYYY-MM-DD dates (midnight UTC).
std::optional<int64_t> parse_time(const Request& req, const char* name) {
  auto text = req.query(name);
  if (!text || text->empty()) return std::nullopt;
  std::optional<int64_t> at;
  if (text->size() <= 40) {
    at = text->size() == 10 ? parse_rfc3339(*text + "T00:00:00Z") : parse_rfc3339(*text);
  }
  if (!at) {
    throw validation_error(std::string(name) + " must be an RFC 3339 time or a YYYY-MM-DD date",
                           {{"field", name}});
  }
  return at;
}

// Defaults: up to now, over the last 30 days.
UsageWindow parse_window(const Request& req) {
  auto from = parse_time(req, "from");
  auto to = parse_time(req, "to");
  UsageWindow window;
  window.to = to.value_or(now_ms() + 1);
  window.from = from.value_or(window.to - kDefaultUsageWindowMs);
  UsageService::check_window(window);
  return window;
}

nlohmann::json totals_json(const UsageTotals& t) {
  return {{"jobs", t.jobs},
          {"attempts", t.attempts},
          {"requests", t.requests},
          {"promptTokens", t.prompt_tokens},
          {"completionTokens", t.completion_tokens},
          {"totalTokens", t.prompt_tokens + t.completion_tokens},
          {"wallMs", t.wall_ms}};
}

nlohmann::json group_json(const UsageGroup& group) {
  nlohmann::json out = totals_json(group.totals);
  if (!group.user_id.empty()) out["userId"] = group.user_id;
  if (!group.job_type.empty()) out["type"] = group.job_type;
  if (!group.day.empty()) out["day"] = group.day;
  return out;
}

nlohmann::json job_json(const JobUsage& job) {
  nlohmann::json out = totals_json(job.totals);
  out.erase("jobs");
  out["jobId"] = job.job_id;
  out["type"] = job.job_type;
  out["model"] = job.model;
  out["lastOutcome"] = job.last_outcome;
  out["lastErrorCode"] =
      job.last_error_code.empty() ? nlohmann::json(nullptr) : nlohmann::json(job.last_error_code);
  out["lastAt"] = rfc3339(job.last_at);
  return out;
}

int parse_group_limit(const Request& req) {
  auto text = req.query("limit");
  if (!text) return 500;
  int value = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (ec != std::errc() || end != text->data() + text->size() || value < 1 ||
      value > kMaxAggregateGroups) {
    throw validation_error(
        "limit must be an integer from 1 to " + std::to_string(kMaxAggregateGroups),
        {{"field", "limit"}});
  }
  return value;
}

}  // namespace

void register_usage_routes(http::Router& router, UsageService& service) {
  router.add(Method::Get, "/api/v1/me/usage", [&service](Request& req) {
    auto me = auth::require_principal(req);
    UsageWindow window = parse_window(req);
    PageRequest page = parse_page(req.query("limit"), req.query("cursor"));
    MyUsage usage = service.mine(me, window, page.after, page.limit);
    nlohmann::json by_type = nlohmann::json::array();
    for (const auto& group : usage.by_type) by_type.push_back(group_json(group));
    nlohmann::json by_day = nlohmann::json::array();
    for (const auto& group : usage.by_day) by_day.push_back(group_json(group));
    nlohmann::json jobs = nlohmann::json::array();
    for (const auto& job : usage.jobs) jobs.push_back(job_json(job));
    return Response::json(
        200, {{"from", rfc3339(window.from)},
              {"to", rfc3339(window.to)},
              {"totals", totals_json(usage.totals)},
              {"byType", by_type},
              {"byDay", by_day},
              {"jobs",
               page_json(jobs, usage.jobs.empty() ? "" : usage.jobs.back().job_id, page.limit)}});
  });

  router.add(Method::Get, "/api/v1/admin/usage", [&service](Request& req) {
    auto me = auth::require_principal(req);
    if (!me.is_admin()) throw forbidden("Only admins may read everyone's AI usage.");
    UsageWindow window = parse_window(req);
    UsageAggregate aggregate = service.aggregate(me, window, parse_group_limit(req));
    nlohmann::json groups = nlohmann::json::array();
    for (const auto& group : aggregate.groups) groups.push_back(group_json(group));
    return Response::json(200, {{"from", rfc3339(window.from)},
                                {"to", rfc3339(window.to)},
                                {"groups", groups},
                                {"truncated", aggregate.truncated}});
  });
}

}  // namespace od::ai
