// AI usage accounting on both databases: per-attempt rows summed per user, type and day within a
// window, the recent-jobs page with each job's latest outcome, and the admins' aggregate.
#include "ai/usage_store.h"

#include <gtest/gtest.h>

#include "core/ids.h"
#include "support/databases.h"

namespace od::ai {
namespace {

constexpr int64_t kDay = 24LL * 3600 * 1000;
constexpr int64_t kNov24 = 1795478400000;  // 2026-11-24T00:00:00Z

class UsageStoreTest : public od::testing::DatabaseTest {
 protected:
  void SetUp() override {
    DatabaseTest::SetUp();
    for (const char* user : {"u1", "u2"}) {
      db().execute("INSERT INTO users (id, email, created_at, updated_at) VALUES ($1, $2, 0, 0)",
                   {user, std::string(user) + "@example.com"});
    }
    store_ = std::make_unique<UsageStore>(db());
  }

  void add(const std::string& user, const std::string& job, const std::string& type, int attempt,
           int64_t at, int64_t in, int64_t out, const std::string& outcome = kSucceeded,
           const std::string& error = "") {
    UsageRecord r;
    r.id = new_id();
    r.user_id = user;
    r.job_id = job;
    r.job_type = type;
    r.model = "m";
    r.attempt = attempt;
    r.requests = attempt;
    r.prompt_tokens = in;
    r.completion_tokens = out;
    r.wall_ms = 100;
    r.outcome = outcome;
    r.error_code = error;
    r.created_at = at;
    store_->record(r);
  }

  std::unique_ptr<UsageStore> store_;
};

TEST(UtcDay, IsTheUtcDate) {
  EXPECT_EQ(utc_day(kNov24), "2026-11-24");
  EXPECT_EQ(utc_day(kNov24 - 1), "2026-11-23");
}

TEST_P(UsageStoreTest, SumsAUsersAttemptsWithinTheWindow) {
  add("u1", "j1", "refine", 1, kNov24 + 10, 100, 50, kFailedOutcome, "ai_provider_error");
  add("u1", "j1", "refine", 2, kNov24 + 20, 100, 60);
  add("u1", "j2", "generate", 1, kNov24 + kDay, 10, 5);
  add("u1", "j0", "refine", 1, kNov24 - kDay, 999, 999);  // before the window
  add("u2", "j3", "refine", 1, kNov24 + 30, 7, 7);        // someone else
  UsageWindow window{kNov24, kNov24 + 2 * kDay};
  UsageTotals totals = store_->totals("u1", window);
  EXPECT_EQ(totals.jobs, 2);
  EXPECT_EQ(totals.attempts, 3);
  EXPECT_EQ(totals.requests, 1 + 2 + 1);
  EXPECT_EQ(totals.prompt_tokens, 210);
  EXPECT_EQ(totals.completion_tokens, 115);
  EXPECT_EQ(totals.wall_ms, 300);

  auto by_type = store_->by_type("u1", window);
  ASSERT_EQ(by_type.size(), 2u);
  EXPECT_EQ(by_type[0].job_type, "generate");
  EXPECT_EQ(by_type[1].job_type, "refine");
  EXPECT_EQ(by_type[1].totals.attempts, 2);
  EXPECT_EQ(by_type[1].totals.completion_tokens, 110);

  auto by_day = store_->by_day("u1", window);
  ASSERT_EQ(by_day.size(), 2u);
  EXPECT_EQ(by_day[0].day, "2026-11-24");
  EXPECT_EQ(by_day[0].totals.prompt_tokens, 200);
  EXPECT_EQ(by_day[1].day, "2026-11-25");
}

TEST_P(UsageStoreTest, AnEmptyWindowSumsToZero) {
  UsageTotals totals = store_->totals("u1", {kNov24, kNov24 + kDay});
  EXPECT_EQ(totals.jobs, 0);
  EXPECT_EQ(totals.prompt_tokens, 0);
  EXPECT_TRUE(store_->by_day("u1", {kNov24, kNov24 + kDay}).empty());
}

TEST_P(UsageStoreTest, RecentJobsArePagedNewestFirstWithTheLatestOutcome) {
  std::vector<std::string> jobs;
  for (int i = 0; i < 5; ++i) jobs.push_back(new_id());
  for (int i = 0; i < 5; ++i) add("u1", jobs[i], "refine", 1, kNov24 + i, 10, 1);
  add("u1", jobs[4], "refine", 2, kNov24 + 10, 10, 0, kFailedOutcome, "ai_provider_timeout");
  UsageWindow window{kNov24, kNov24 + kDay};
  auto first = store_->recent_jobs("u1", window, "", 2);
  ASSERT_EQ(first.size(), 2u);
  EXPECT_EQ(first[0].job_id, jobs[4]);
  EXPECT_EQ(first[0].totals.attempts, 2);
  EXPECT_EQ(first[0].totals.prompt_tokens, 20);
  EXPECT_EQ(first[0].last_outcome, kFailedOutcome);
  EXPECT_EQ(first[0].last_error_code, "ai_provider_timeout");
  EXPECT_EQ(first[0].last_at, kNov24 + 10);
  EXPECT_EQ(first[1].job_id, jobs[3]);
  EXPECT_EQ(first[1].last_outcome, kSucceeded);
  EXPECT_EQ(first[1].last_error_code, "");
  auto rest = store_->recent_jobs("u1", window, first.back().job_id, 10);
  ASSERT_EQ(rest.size(), 3u);
  EXPECT_EQ(rest[0].job_id, jobs[2]);
  EXPECT_EQ(rest[2].job_id, jobs[0]);
}

TEST_P(UsageStoreTest, TheAggregateGroupsByUserTypeAndDayNewestDayFirst) {
  add("u1", "j1", "refine", 1, kNov24 + 1, 10, 1);
  add("u1", "j2", "refine", 1, kNov24 + 2, 20, 2);
  add("u2", "j3", "refine", 1, kNov24 + 3, 30, 3);
  add("u1", "j4", "refine", 1, kNov24 + kDay, 40, 4);
  auto groups = store_->aggregate({kNov24, kNov24 + 2 * kDay}, 10);
  ASSERT_EQ(groups.size(), 3u);
  EXPECT_EQ(groups[0].day, "2026-11-25");
  EXPECT_EQ(groups[0].user_id, "u1");
  EXPECT_EQ(groups[1].day, "2026-11-24");
  EXPECT_EQ(groups[1].user_id, "u1");
  EXPECT_EQ(groups[1].totals.jobs, 2);
  EXPECT_EQ(groups[1].totals.prompt_tokens, 30);
  EXPECT_EQ(groups[2].user_id, "u2");
  EXPECT_EQ(store_->aggregate({kNov24, kNov24 + 2 * kDay}, 2).size(), 2u);
}

TEST_P(UsageStoreTest, UsageGoesWithItsUser) {
  add("u1", "j1", "refine", 1, kNov24, 10, 1);
  db().execute("DELETE FROM users WHERE id = 'u1'");
  EXPECT_EQ(store_->totals("u1", {0, kNov24 + kDay}).attempts, 0);
}

OD_INSTANTIATE_DATABASE_TEST(UsageStoreTest);

}  // namespace
}  // namespace od::ai
