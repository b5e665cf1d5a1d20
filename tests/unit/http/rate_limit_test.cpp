#include "http/rate_limit.h"

#include <gtest/gtest.h>

#include <cstdlib>

#include "core/ids.h"

namespace od::http {
namespace {

using std::chrono::seconds;

TEST(MemoryRateLimiter, AllowsLimitThenDenies) {
  auto limiter = make_memory_rate_limiter();
  for (int i = 0; i < 5; ++i) {
    auto d = limiter->take("k", 5, seconds(60));
    EXPECT_TRUE(d.allowed);
    EXPECT_EQ(d.remaining, 4 - i);
  }
  auto denied = limiter->take("k", 5, seconds(60));
  EXPECT_FALSE(denied.allowed);
  EXPECT_GE(denied.retry_after_seconds, 1);
  EXPECT_LE(denied.retry_after_seconds, 12);
  EXPECT_TRUE(limiter->take("other", 5, seconds(60)).allowed);
}

TEST(RateRules, MatchTheProductBrief) {
  auto rules = default_rate_rules();
  ASSERT_EQ(rules.size(), 5u);
  EXPECT_EQ(rules[0].route_class, "*");
  EXPECT_EQ(rules[0].limit, 1000);
  EXPECT_EQ(rules[1].route_class, "login");
  EXPECT_EQ(rules[1].limit, 5);
  EXPECT_EQ(rules[4].key, RateRule::Key::User);
}

TEST(RateLimitMiddleware, Answers429WithRetryAfter) {
  auto mw =
      rate_limit(make_memory_rate_limiter(), {{"ip", RateRule::Key::Ip, "*", 100, seconds(60)},
                                              {"login", RateRule::Key::Ip, "login", 2, seconds(60)},
                                              {"ai", RateRule::Key::User, "ai", 1, seconds(60)}});
  auto ok = [](Request&) { return Response::no_content(); };
  Request login;
  login.remote_ip = "10.0.0.1";
  login.context.route_class = "login";
  auto first = run_chain({mw}, login, ok);
  EXPECT_EQ(first.status, 204);
  EXPECT_EQ(first.headers.get("RateLimit-Limit"), "2");
  EXPECT_EQ(first.headers.get("RateLimit-Remaining"), "1");
  EXPECT_EQ(run_chain({mw}, login, ok).status, 204);
  auto denied = run_chain({mw}, login, ok);
  EXPECT_EQ(denied.status, 429);
  EXPECT_GE(std::stoi(*denied.headers.get("Retry-After")), 1);
  EXPECT_EQ(nlohmann::json::parse(denied.body)["error"]["code"], "rate_limited");

  Request anonymous_ai;  // user rules skip anonymous requests
  anonymous_ai.remote_ip = "10.0.0.2";
  anonymous_ai.context.route_class = "ai";
  EXPECT_EQ(run_chain({mw}, anonymous_ai, ok).status, 204);
  EXPECT_EQ(run_chain({mw}, anonymous_ai, ok).status, 204);
  anonymous_ai.context.user_id = "u1";
  EXPECT_EQ(run_chain({mw}, anonymous_ai, ok).status, 204);
  EXPECT_EQ(run_chain({mw}, anonymous_ai, ok).status, 429);
}

std::string redis_url() {
  const char* url = std::getenv("OD_TEST_REDIS_URL");
  return url ? url : "";
}

TEST(RedisRateLimiter, SharesOneBudgetAcrossInstances) {
  std::string url = redis_url();
  ASSERT_FALSE(url.empty()) << "OD_TEST_REDIS_URL is not set; run the tests via scripts/test.sh "
                               "(it starts redis-server), or set it to redis://127.0.0.1:PORT";
  auto a = make_redis_rate_limiter(url);
  auto b = make_redis_rate_limiter(url);
  std::string key = "test:" + new_id();
  for (int i = 0; i < 3; ++i) {
    auto d = (i % 2 ? b : a)->take(key, 3, seconds(60));
    ASSERT_TRUE(d.allowed) << i;
    EXPECT_EQ(d.remaining, 2 - i);
  }
  auto denied = b->take(key, 3, seconds(60));
  EXPECT_FALSE(denied.allowed);
  EXPECT_GE(denied.retry_after_seconds, 1);
  EXPECT_FALSE(a->take(key, 3, seconds(60)).allowed);
}

TEST(RedisRateLimiter, FailsOpenWhenRedisIsUnreachable) {
  auto limiter = make_redis_rate_limiter("redis://127.0.0.1:1");
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(limiter->take("k", 1, seconds(60)).allowed);
}

}  // namespace
}  // namespace od::http
