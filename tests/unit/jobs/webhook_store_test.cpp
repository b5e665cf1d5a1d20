// Webhook deliveries and external-worker registrations on both drivers: a final job's delivery is
// written once (the sweep may see it twice), a leased delivery is not handed out again until its
// lease ends, attempts are logged in order, and only recently seen, unrevoked workers' types are
// served. Times are explicit, so nothing here waits.
#include <gtest/gtest.h>

#include "core/ids.h"
#include "jobs/store.h"
#include "jobs/webhook_store.h"
#include "jobs/worker_store.h"
#include "support/databases.h"

namespace od::jobs {
namespace {

class WebhookStoreTest : public od::testing::DatabaseTest {
 protected:
  void SetUp() override {
    DatabaseTest::SetUp();
    db().execute(
        "INSERT INTO users (id, email, created_at, updated_at) VALUES ('u1', 'u1@x', 0, 0)");
  }

  // A job of u1 with a webhook, moved to `status`.
  Job final_job(const std::string& status) {
    Job job;
    job.id = new_id();
    job.type = "noop";
    job.owner_id = "u1";
    job.input_hash = input_hash(job.type, job.input);
    job.webhook_url = "https://hooks.example.com/x";
    EXPECT_TRUE(JobStore(db()).insert(job));
    db().execute("UPDATE jobs SET status = $2 WHERE id = $1", {job.id, status});
    job.status = status;
    return job;
  }
};

TEST_P(WebhookStoreTest, WritesOneDeliveryPerFinalJob) {
  WebhookStore store(db());
  Job done = final_job(kDone);
  final_job(kRunning);  // not final: no delivery yet
  auto pending = store.unqueued_final_jobs(10);
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_EQ(pending[0].id, done.id);
  store.enqueue(done, new_id(), "job.completed", "{}", 100);
  store.enqueue(done, new_id(), "job.completed", "{}", 100);  // a second sweep: no effect
  EXPECT_TRUE(store.unqueued_final_jobs(10).empty());
  auto deliveries = store.list_for_job(done.id);
  ASSERT_EQ(deliveries.size(), 1u);
  EXPECT_EQ(deliveries[0].status, "pending");
  EXPECT_EQ(deliveries[0].url, "https://hooks.example.com/x");
}

TEST_P(WebhookStoreTest, LeasesDueDeliveriesToOneSenderAndLogsAttempts) {
  WebhookStore store(db());
  Job job = final_job(kFailed);
  std::string id = new_id();
  store.enqueue(job, id, "job.failed", "{\"a\":1}", 100);
  EXPECT_TRUE(store.claim_due(5, 99, 1000).empty()) << "not due before next_attempt_at";
  auto claimed = store.claim_due(5, 100, 1000);
  ASSERT_EQ(claimed.size(), 1u);
  EXPECT_EQ(claimed[0].payload, "{\"a\":1}");
  EXPECT_TRUE(store.claim_due(5, 500, 1500).empty()) << "leased to the first sender";

  store.record_attempt(id, {1, 200, 500, "HTTP 500", 30}, "pending", 2000);
  EXPECT_TRUE(store.claim_due(5, 1999, 3000).empty()) << "backoff";
  ASSERT_EQ(store.claim_due(5, 2000, 3000).size(), 1u);
  store.record_attempt(id, {2, 2000, 204, "", 10}, "delivered", 0);
  EXPECT_TRUE(store.claim_due(5, 100000, 200000).empty());

  auto listed = store.list_for_job(job.id);
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].status, "delivered");
  EXPECT_EQ(listed[0].attempts, 2);
  EXPECT_EQ(listed[0].finished_at, 2010);
  ASSERT_EQ(listed[0].log.size(), 2u);
  EXPECT_EQ(listed[0].log[0].status_code, 500);
  EXPECT_EQ(listed[0].log[0].error, "HTTP 500");
  EXPECT_EQ(listed[0].log[1].status_code, 204);
}

TEST_P(WebhookStoreTest, AbandonedLeasesAreTakenAgain) {
  WebhookStore store(db());
  Job job = final_job(kCanceled);
  store.enqueue(job, new_id(), "job.canceled", "{}", 0);
  ASSERT_EQ(store.claim_due(5, 0, 1000).size(), 1u);
  // The sender died without recording anything: after its lease the delivery is due again.
  EXPECT_TRUE(store.claim_due(5, 999, 2000).empty());
  EXPECT_EQ(store.claim_due(5, 1000, 2000).size(), 1u);
}

TEST_P(WebhookStoreTest, SecretsAreCreatedOnceAndRotated) {
  WebhookStore store(db());
  EXPECT_EQ(store.secret("u1", "first", 0), "first");
  EXPECT_EQ(store.secret("u1", "ignored", 1), "first");
  store.set_secret("u1", "second", 2);
  EXPECT_EQ(store.secret("u1", "ignored", 3), "second");
}

TEST_P(WebhookStoreTest, ServesTypesOfRecentlySeenUnrevokedWorkers) {
  ExternalWorkerStore workers(db());
  auto add = [&](const std::string& name, std::vector<std::string> types) {
    ExternalWorker w;
    w.id = new_id();
    w.name = name;
    w.types = std::move(types);
    w.token_salt = "salt";
    w.token_hash = "hash-" + name;
    workers.insert(w);
    return w.id;
  };
  std::string a = add("a", {"x.one", "x.two"});
  std::string b = add("b", {"x.two", "x.three"});
  std::string c = add("c", {"x.four"});
  EXPECT_TRUE(workers.types_seen_since(0).empty()) << "never seen";
  workers.touch(a, 1000);
  workers.touch(b, 1000);
  workers.touch(c, 10);
  EXPECT_EQ(workers.types_seen_since(500), (std::vector<std::string>{"x.one", "x.three", "x.two"}));
  EXPECT_TRUE(workers.revoke(b, 2000));
  EXPECT_FALSE(workers.revoke(b, 2001)) << "already revoked";
  EXPECT_EQ(workers.types_seen_since(500), (std::vector<std::string>{"x.one", "x.two"}));
  auto found = workers.find(b);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->revoked_at, 2000);
  EXPECT_EQ(workers.list(10).size(), 3u);
}

OD_INSTANTIATE_DATABASE_TEST(WebhookStoreTest);

}  // namespace
}  // namespace od::jobs
