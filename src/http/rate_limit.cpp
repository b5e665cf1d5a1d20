// The rate-limit rules and middleware; the bucket stores are rate_limit_memory.cpp and
// rate_limit_redis.cpp.
#include "http/rate_limit.h"

#include <climits>

namespace od::http {

std::vector<RateRule> default_rate_rules() {
  using std::chrono::minutes;
  return {
      {"ip", RateRule::Key::Ip, "*", 1000, minutes(1)},
      {"login", RateRule::Key::Ip, "login", 5, minutes(1)},
      {"upload", RateRule::Key::User, "upload", 20, minutes(1)},
      {"tool", RateRule::Key::User, "tool", 60, minutes(1)},
      {"ai", RateRule::Key::User, "ai", 10, minutes(1)},
  };
}

Middleware rate_limit(std::shared_ptr<RateLimiter> limiter, std::vector<RateRule> rules) {
  return
      [limiter = std::move(limiter), rules = std::move(rules)](Request& request, const Next& next) {
        const RateRule* tightest = nullptr;
        int tightest_remaining = INT_MAX;
        for (const RateRule& rule : rules) {
          if (rule.route_class != "*" && rule.route_class != request.context.route_class) continue;
          const std::string& who =
              rule.key == RateRule::Key::Ip ? request.remote_ip : request.context.user_id;
          if (who.empty()) continue;
          auto decision = limiter->take(rule.name + ":" + who, rule.limit, rule.window);
          if (!decision.allowed) {
            Response denied = error_response(429, "rate_limited", "Too many requests; retry later.",
                                             request.context.request_id,
                                             {{"rule", rule.name}, {"limit", rule.limit}});
            denied.headers.set("Retry-After", std::to_string(decision.retry_after_seconds));
            denied.headers.set("RateLimit-Limit", std::to_string(rule.limit));
            denied.headers.set("RateLimit-Remaining", "0");
            return denied;
          }
          if (decision.remaining < tightest_remaining) {
            tightest = &rule;
            tightest_remaining = decision.remaining;
          }
        }
        Response response = next(request);
        if (tightest) {
          response.headers.set("RateLimit-Limit", std::to_string(tightest->limit));
          response.headers.set("RateLimit-Remaining", std::to_string(tightest_remaining));
        }
        return response;
      };
}

}  // namespace od::http
