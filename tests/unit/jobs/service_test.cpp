// The queue's rules (idempotency keys, deduplication, limits, ownership) and the worker pool
// running real handlers end to end, on both drivers. Waiting is polling with a deadline.
#include "jobs/service.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "core/error.h"
#include "jobs/noop_handler.h"
#include "jobs/workers.h"
#include "support/databases.h"

namespace od::jobs {
namespace {

// Fails the way its input says: {"fail": "api"} with a 4xx, {"fail": "crash"} with an exception.
class FlakyHandler : public JobHandler {
 public:
  std::string type() const override { return "flaky"; }
  nlohmann::json run(JobContext& context) override {
    std::string how = context.input().value("fail", "");
    if (how == "api") throw ApiError(422, "bad_design", "The design is not usable.");
    if (how == "crash") throw std::runtime_error("engine crashed");
    return {{"ok", true}};
  }
};

class JobsServiceTest : public od::testing::DatabaseTest {
 protected:
  void SetUp() override {
    DatabaseTest::SetUp();
    for (const char* user : {"u1", "u2"}) {
      db().execute("INSERT INTO users (id, email, created_at, updated_at) VALUES ($1, $2, 0, 0)",
                   {user, std::string(user) + "@example.com"});
    }
    handlers_.add(std::make_unique<NoopHandler>());
    handlers_.add(std::make_unique<FlakyHandler>());
    store_ = std::make_unique<JobStore>(db());
    service_ = std::make_unique<JobsService>(
        *store_, handlers_, JobsConfig{.max_in_flight_per_user = 3}, nullptr, nullptr);
  }

  SubmitRequest noop(nlohmann::json input = nlohmann::json::object()) {
    SubmitRequest request;
    request.type = "noop";
    request.input = std::move(input);
    return request;
  }

  // Polls until `job_id` is final or the deadline passes.
  Job wait_final(const std::string& job_id) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < deadline) {
      auto job = store_->find(job_id);
      if (job && is_final_status(job->status)) return *job;
      std::this_thread::yield();
    }
    ADD_FAILURE() << "job " << job_id << " did not finish";
    return *store_->find(job_id);
  }

  auth::Principal u1{"u1", "user"};
  auth::Principal u2{"u2", "user"};
  HandlerRegistry handlers_;
  std::unique_ptr<JobStore> store_;
  std::unique_ptr<JobsService> service_;
};

int status_of(const std::function<void()>& call) {
  try {
    call();
  } catch (const ApiError& e) {
    return e.status();
  }
  return 0;
}

TEST_P(JobsServiceTest, UnknownTypesAreRejected) {
  SubmitRequest request = noop();
  request.type = "paint";
  EXPECT_EQ(status_of([&] { service_->submit(u1, request); }), 422);
}

TEST_P(JobsServiceTest, AnIdempotencyKeyReturnsTheSameJob) {
  SubmitRequest request = noop({{"n", 1}});
  request.idempotency_key = "k";
  auto first = service_->submit(u1, request);
  EXPECT_TRUE(first.created);
  auto second = service_->submit(u1, request);
  EXPECT_FALSE(second.created);
  EXPECT_EQ(second.job.id, first.job.id);
  request.input = {{"n", 2}};
  EXPECT_EQ(status_of([&] { service_->submit(u1, request); }), 409);
  // Another user's key is theirs alone.
  EXPECT_TRUE(service_->submit(u2, request).created);
}

TEST_P(JobsServiceTest, ADoneJobWithTheSameInputIsReusedUnlessDedupeIsOff) {
  auto first = service_->submit(u1, noop({{"a", 1}, {"b", 2}}));
  auto claimed = store_->claim("w", {"noop"}, 1, first.job.created_at, 1000);
  ASSERT_EQ(claimed.size(), 1u);
  ASSERT_TRUE(store_->complete(first.job.id, "w", {{"ok", true}}, first.job.created_at));
  auto again = service_->submit(u1, noop(nlohmann::json::parse(R"({"b":2,"a":1})")));
  EXPECT_FALSE(again.created);
  EXPECT_EQ(again.job.id, first.job.id);
  EXPECT_EQ(again.job.status, kDone);
  SubmitRequest fresh = noop({{"a", 1}, {"b", 2}});
  fresh.dedupe = false;
  EXPECT_TRUE(service_->submit(u1, fresh).created);
  EXPECT_TRUE(service_->submit(u2, noop({{"a", 1}, {"b", 2}})).created) << "not across users";
}

TEST_P(JobsServiceTest, JobsInFlightAreLimitedPerUser) {
  for (int i = 0; i < 3; ++i) service_->submit(u1, noop({{"i", i}}));
  EXPECT_EQ(status_of([&] { service_->submit(u1, noop({{"i", 99}})); }), 429);
  EXPECT_EQ(store_->count_in_flight("u1"), 3);
  EXPECT_TRUE(service_->submit(u2, noop({{"i", 99}})).created);
}

TEST_P(JobsServiceTest, OthersJobsAreNotFoundButAdminsSeeThem) {
  auto job = service_->submit(u1, noop()).job;
  EXPECT_EQ(service_->get(u1, job.id).id, job.id);
  EXPECT_EQ(status_of([&] { service_->get(u2, job.id); }), 404);
  EXPECT_EQ(status_of([&] { service_->cancel(u2, job.id); }), 404);
  EXPECT_EQ(status_of([&] { service_->get(u1, "not-an-id"); }), 404);
  EXPECT_EQ(service_->get(auth::Principal{"u2", "admin"}, job.id).id, job.id);
  EXPECT_EQ(store_->find(job.id)->status, kQueued);
}

TEST_P(JobsServiceTest, WorkersRunJobsAndFailThemByTheHandlerContract) {
  JobWorkers workers(*service_, WorkerOptions{.threads = 2, .lease_ms = 5000});
  service_->set_submit_listener([&workers] { workers.wake(); });
  workers.start();
  auto done = service_->submit(u1, noop({{"steps", 5}})).job;
  SubmitRequest bad;
  bad.type = "flaky";
  bad.input = {{"fail", "api"}};
  auto rejected = service_->submit(u1, bad).job;
  bad.input = {{"fail", "crash"}};
  bad.max_attempts = 2;
  auto crashing = service_->submit(u1, bad).job;

  Job finished = wait_final(done.id);
  EXPECT_EQ(finished.status, kDone);
  EXPECT_EQ(finished.progress, 100);
  EXPECT_EQ((*finished.result)["ok"], true);
  Job failed = wait_final(rejected.id);
  EXPECT_EQ(failed.status, kFailed);
  EXPECT_EQ(failed.error_code, "bad_design");
  EXPECT_EQ(failed.attempts, 1) << "a 4xx is not retried";
  Job dead = wait_final(crashing.id);
  EXPECT_EQ(dead.status, kFailed);
  EXPECT_EQ(dead.error_code, "job_failed");
  EXPECT_EQ(dead.attempts, 2) << "retried once after the backoff, then dead-lettered";
  workers.stop();
}

OD_INSTANTIATE_DATABASE_TEST(JobsServiceTest);

}  // namespace
}  // namespace od::jobs
