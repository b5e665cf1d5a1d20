// The job queue's SQL on both drivers: exclusive claiming under concurrency, priorities, retries
// with backoff and dead-lettering, lease expiry, cancellation and the lookups behind idempotency
// keys and deduplication. Times are explicit, so nothing here waits.
#include "jobs/store.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "core/ids.h"
#include "support/databases.h"

namespace od::jobs {
namespace {

class JobStoreTest : public od::testing::DatabaseTest {
 protected:
  void SetUp() override {
    DatabaseTest::SetUp();
    for (const char* user : {"u1", "u2"}) {
      db().execute("INSERT INTO users (id, email, created_at, updated_at) VALUES ($1, $2, 0, 0)",
                   {user, std::string(user) + "@example.com"});
    }
    // Made here, not on first use: the concurrent tests call store() from several threads at once.
    store_ = std::make_unique<JobStore>(db());
  }

  Job make_job(const std::string& owner = "u1", nlohmann::json input = {{"n", 1}},
               int64_t now = 0) {
    Job job;
    job.id = new_id();
    job.type = "noop";
    job.owner_id = owner;
    job.input = std::move(input);
    job.input_hash = input_hash(job.type, job.input);
    job.run_after = now;
    job.created_at = now;
    return job;
  }

  Job submitted(Job job) {
    EXPECT_TRUE(store().insert(job));
    return job;
  }

  JobStore& store() { return *store_; }

  const std::vector<std::string> kTypes = {"noop"};

 private:
  std::unique_ptr<JobStore> store_;
};

TEST_P(JobStoreTest, EveryJobIsClaimedExactlyOnceByFourConcurrentWorkers) {
  constexpr int kJobs = 400;
  for (int i = 0; i < kJobs; ++i) submitted(make_job("u1", {{"i", i}}));
  std::mutex mutex;
  std::vector<std::string> claimed;
  std::vector<std::thread> workers;
  for (int w = 0; w < 4; ++w) {
    workers.emplace_back([&, w] {
      std::string worker = "w" + std::to_string(w);
      while (true) {
        auto jobs = store().claim(worker, kTypes, 3, 1000, 60000);
        if (jobs.empty()) return;
        for (const auto& job : jobs) {
          EXPECT_EQ(job.lease_owner, worker);
          EXPECT_TRUE(store().complete(job.id, worker, {{"ok", true}}, 1001));
          std::lock_guard lock(mutex);
          claimed.push_back(job.id);
        }
      }
    });
  }
  for (auto& t : workers) t.join();
  std::set<std::string> unique(claimed.begin(), claimed.end());
  EXPECT_EQ(claimed.size(), static_cast<size_t>(kJobs));
  EXPECT_EQ(unique.size(), static_cast<size_t>(kJobs));
  auto left = db().query("SELECT COUNT(*) FROM jobs WHERE status <> 'done' OR attempts <> 1");
  EXPECT_EQ(left.rows.front().integer(0), 0);
}

TEST_P(JobStoreTest, CompletingAndClaimingInOneTransactionRunsEveryJobOnce) {
  constexpr int kJobs = 300;
  for (int i = 0; i < kJobs; ++i) submitted(make_job("u1", {{"i", i}}));
  std::mutex mutex;
  std::vector<std::string> done;
  std::vector<std::thread> workers;
  for (int w = 0; w < 4; ++w) {
    workers.emplace_back([&, w] {
      std::string worker = "w" + std::to_string(w);
      auto jobs = store().claim(worker, kTypes, 2, 1000, 60000);
      while (!jobs.empty()) {
        std::vector<Job> next;
        for (size_t i = 0; i < jobs.size(); ++i) {
          EXPECT_EQ(jobs[i].lease_owner, worker);
          if (i + 1 < jobs.size()) {
            EXPECT_TRUE(store().complete(jobs[i].id, worker, {{"ok", true}}, 1001));
          } else {
            auto outcome = store().complete_and_claim(jobs[i].id, worker, {{"ok", true}}, 1001,
                                                      kTypes, 2, 60000);
            EXPECT_TRUE(outcome.completed);
            next = std::move(outcome.next);
          }
          std::lock_guard lock(mutex);
          done.push_back(jobs[i].id);
        }
        jobs = std::move(next);
      }
    });
  }
  for (auto& t : workers) t.join();
  EXPECT_EQ(done.size(), static_cast<size_t>(kJobs));
  EXPECT_EQ(std::set<std::string>(done.begin(), done.end()).size(), static_cast<size_t>(kJobs));
  auto left = db().query("SELECT COUNT(*) FROM jobs WHERE status <> 'done' OR attempts <> 1");
  EXPECT_EQ(left.rows.front().integer(0), 0);
}

TEST_P(JobStoreTest, CompleteAndClaimStillClaimsWhenTheLeaseWasLost) {
  Job lost = submitted(make_job("u1", {{"i", 1}}));
  ASSERT_EQ(store().claim("a", kTypes, 1, 100, 10).size(), 1u);
  ASSERT_EQ(store().requeue_expired(200).size(), 1u);  // a's lease ran out
  ASSERT_EQ(store().claim("b", kTypes, 1, 300, 60000).size(), 1u);
  Job waiting = submitted(make_job("u1", {{"i", 2}}));
  auto outcome = store().complete_and_claim(lost.id, "a", {{"ok", true}}, 400, kTypes, 5, 60000);
  EXPECT_FALSE(outcome.completed) << "b holds the job now";
  ASSERT_EQ(outcome.next.size(), 1u);
  EXPECT_EQ(outcome.next[0].id, waiting.id);
  EXPECT_EQ(store().find(lost.id)->status, kRunning);
  EXPECT_EQ(store().find(lost.id)->lease_owner, "b");
}

TEST_P(JobStoreTest, ConcurrentInsertsKeepTheirOwnOutcomes) {
  // 8 threads insert 50 jobs each; every fifth job reuses one of 10 idempotency keys, so exactly
  // one insert per key may succeed however the inserts are batched together.
  constexpr int kThreads = 8;
  constexpr int kPerThread = 50;
  std::atomic<int> inserted{0}, refused{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        Job job = make_job("u1", {{"t", t}, {"i", i}});
        if (i % 5 == 0) job.idempotency_key = "key-" + std::to_string(i % 10 + t % 2);
        (store().insert(job) ? inserted : refused)++;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  int keyed = kThreads * kPerThread / 5;
  auto distinct_keys =
      db().query("SELECT COUNT(DISTINCT idempotency_key) FROM jobs").rows.front().integer(0);
  EXPECT_EQ(refused.load(), keyed - distinct_keys);
  EXPECT_EQ(inserted.load(), kThreads * kPerThread - refused.load());
  EXPECT_EQ(db().query("SELECT COUNT(*) FROM jobs").rows.front().integer(0), inserted.load());
}

TEST_P(JobStoreTest, MixedConcurrentWritesRunEveryJobToOneFinalStateOnce) {
  // Submitters, workers (claim, heartbeat, progress, retryable failure, complete,
  // complete-and-claim, finish after a cancel) and a canceller all write at once; on SQLite they
  // share combined transactions. Every job must end done or canceled, be completed at most once,
  // and never be completed after it was canceled while queued.
  constexpr int kSubmitters = 4, kPerSubmitter = 100, kWorkers = 4;
  constexpr int kJobs = kSubmitters * kPerSubmitter;
  constexpr int64_t kNow = 1'000'000;  // workers' clock: retries (run_after ~1 s) are due at once
  std::mutex mutex;
  std::vector<std::string> ids;            // submitted, in order
  std::map<std::string, int> completions;  // successful complete() per job
  std::set<std::string> canceled_queued, finished_canceled;
  std::atomic<int> submitters_left{kSubmitters};

  std::vector<std::thread> threads;
  for (int t = 0; t < kSubmitters; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerSubmitter; ++i) {
        Job job = make_job("u1", {{"t", t}, {"i", i}}, 0);
        EXPECT_TRUE(store().insert(job));
        std::lock_guard lock(mutex);
        ids.push_back(job.id);
      }
      --submitters_left;
    });
  }
  threads.emplace_back([&] {  // cancels every seventh job, queued or running
    for (size_t next = 0;;) {
      bool submitting = submitters_left > 0;
      std::string id;
      {
        std::lock_guard lock(mutex);
        if (next < ids.size()) id = ids[next++];
      }
      if (id.empty()) {
        if (!submitting) return;  // every id was seen
        std::this_thread::yield();
        continue;
      }
      if (std::hash<std::string>{}(id) % 7 != 0) continue;
      auto after = store().cancel(id, kNow);
      ASSERT_TRUE(after);
      if (after->status == kCanceled) {
        std::lock_guard lock(mutex);
        canceled_queued.insert(id);
      }
    }
  });
  auto unfinished = [&] {
    return db()
        .query("SELECT COUNT(*) FROM jobs WHERE status IN ('queued', 'running')")
        .rows.front()
        .integer(0);
  };
  for (int w = 0; w < kWorkers; ++w) {
    threads.emplace_back([&, w] {
      std::string worker = "w" + std::to_string(w);
      std::vector<Job> jobs;
      while (true) {
        if (jobs.empty()) jobs = store().claim(worker, kTypes, 2, kNow, 60000);
        if (jobs.empty()) {
          if (submitters_left == 0 && unfinished() == 0) return;
          // Poll interval while the other workers finish (each claim is a commit).
          std::this_thread::sleep_for(std::chrono::milliseconds(1));
          continue;
        }
        std::vector<Job> next;
        for (size_t i = 0; i < jobs.size(); ++i) {
          const Job& job = jobs[i];
          ASSERT_TRUE(store().heartbeat(job.id, worker, kNow, 60000).held);
          LeaseState state = store().progress(job.id, worker, 50, "half", kNow, 60000);
          ASSERT_TRUE(state.held);
          if (state.cancel_requested) {
            EXPECT_TRUE(store().finish_canceled(job.id, worker, kNow));
            std::lock_guard lock(mutex);
            finished_canceled.insert(job.id);
            continue;
          }
          if (job.input.value("i", 0) % 5 == 0 && job.attempts == 1) {
            auto failed = store().fail(job.id, worker, "flaky", "try again", true, 0, 1.0);
            ASSERT_TRUE(failed);
            EXPECT_EQ(failed->status, kQueued);
            continue;
          }
          bool completed;
          if (i + 1 == jobs.size()) {
            auto outcome =
                store().complete_and_claim(job.id, worker, {{"ok", true}}, kNow, kTypes, 2, 60000);
            completed = outcome.completed;
            next = std::move(outcome.next);
          } else {
            completed = store().complete(job.id, worker, {{"ok", true}}, kNow);
          }
          EXPECT_TRUE(completed);
          std::lock_guard lock(mutex);
          ++completions[job.id];
        }
        jobs = std::move(next);
      }
    });
  }
  for (auto& thread : threads) thread.join();

  ASSERT_EQ(ids.size(), static_cast<size_t>(kJobs));
  for (const auto& id : ids) {
    auto job = store().find(id);
    ASSERT_TRUE(job);
    int completed = completions.count(id) ? completions[id] : 0;
    if (job->status == kDone) {
      EXPECT_EQ(completed, 1) << id;
      EXPECT_EQ(job->attempts, job->input.value("i", 0) % 5 == 0 ? 2 : 1) << id;
    } else {
      EXPECT_EQ(job->status, kCanceled) << id;
      EXPECT_EQ(completed, 0) << id;
      EXPECT_TRUE(canceled_queued.count(id) + finished_canceled.count(id) == 1) << id;
    }
  }
}

TEST_P(JobStoreTest, ClaimsByPriorityOnlyDueJobsOfTheGivenTypes) {
  Job low = make_job("u1", {{"i", 1}});
  Job high = make_job("u1", {{"i", 2}});
  high.priority = 5;
  Job later = make_job("u1", {{"i", 3}});
  later.priority = 10;
  later.run_after = 5000;
  Job other = make_job("u1", {{"i", 4}});
  other.type = "other";
  other.priority = 10;
  for (auto* job : {&low, &high, &later, &other}) submitted(*job);

  auto first = store().claim("w", kTypes, 1, 1000, 1000);
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0].id, high.id);
  EXPECT_EQ(first[0].status, kRunning);
  EXPECT_EQ(first[0].attempts, 1);
  EXPECT_EQ(first[0].lease_expires_at, 2000);
  auto rest = store().claim("w", kTypes, 10, 1000, 1000);
  ASSERT_EQ(rest.size(), 1u);
  EXPECT_EQ(rest[0].id, low.id);
  auto due = store().claim("w", kTypes, 10, 5000, 1000);
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].id, later.id);
}

TEST_P(JobStoreTest, BackoffDoublesFromOneSecondWithinTheJitter) {
  EXPECT_EQ(retry_delay_ms(1, 1.0), 1000);
  EXPECT_EQ(retry_delay_ms(2, 1.0), 2000);
  EXPECT_EQ(retry_delay_ms(3, 1.0), 4000);
  EXPECT_EQ(retry_delay_ms(3, 0.8), 3200);
  EXPECT_EQ(retry_delay_ms(3, 1.2), 4800);
  EXPECT_EQ(retry_delay_ms(60, 1.0), 3600 * 1000);
}

TEST_P(JobStoreTest, RetryableFailuresBackOffThenDeadLetter) {
  Job job = make_job();
  job.max_attempts = 3;
  submitted(job);
  int64_t now = 1000;
  int64_t expected_delays[] = {1000, 2000};
  for (int attempt = 1; attempt <= 2; ++attempt) {
    auto claimed = store().claim("w", kTypes, 1, now, 10000);
    ASSERT_EQ(claimed.size(), 1u) << "attempt " << attempt;
    EXPECT_EQ(claimed[0].attempts, attempt);
    auto after = store().fail(job.id, "w", "boom", "it broke", true, now, 1.0);
    ASSERT_TRUE(after);
    EXPECT_EQ(after->status, kQueued);
    EXPECT_EQ(after->run_after, now + expected_delays[attempt - 1]);
    // Not due before the backoff has passed.
    EXPECT_TRUE(store().claim("w", kTypes, 1, after->run_after - 1, 10000).empty());
    now = after->run_after;
  }
  ASSERT_EQ(store().claim("w", kTypes, 1, now, 10000).size(), 1u);
  auto last = store().fail(job.id, "w", "boom", "it broke", true, now, 1.0);
  ASSERT_TRUE(last);
  EXPECT_EQ(last->status, kFailed);
  EXPECT_EQ(last->attempts, 3);
  EXPECT_EQ(last->error_code, "boom");
  EXPECT_EQ(last->finished_at, now);
  EXPECT_TRUE(store().claim("w", kTypes, 1, now + 1000000, 10000).empty());
}

TEST_P(JobStoreTest, NonRetryableFailureDeadLettersAtOnce) {
  Job job = make_job();
  submitted(job);
  ASSERT_EQ(store().claim("w", kTypes, 1, 0, 1000).size(), 1u);
  auto after = store().fail(job.id, "w", "validation_failed", "bad input", false, 10, 1.0);
  ASSERT_TRUE(after);
  EXPECT_EQ(after->status, kFailed);
  EXPECT_EQ(after->attempts, 1);
}

TEST_P(JobStoreTest, ExpiredLeaseReturnsTheJobAndTheOldWorkerCannotFinishIt) {
  Job job = make_job();
  submitted(job);
  ASSERT_EQ(store().claim("a", kTypes, 1, 0, 100).size(), 1u);
  // A heartbeat at 80 moves the expiry to 180.
  EXPECT_TRUE(store().heartbeat(job.id, "a", 80, 100).held);
  EXPECT_TRUE(store().requeue_expired(150).empty());
  auto changed = store().requeue_expired(181);
  ASSERT_EQ(changed.size(), 1u);
  EXPECT_EQ(changed[0].status, kQueued);
  EXPECT_FALSE(store().complete(job.id, "a", {{"ok", true}}, 182));
  EXPECT_FALSE(store().heartbeat(job.id, "a", 182, 100).held);
  auto again = store().claim("b", kTypes, 1, 182, 100);
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].attempts, 2);
  EXPECT_TRUE(store().complete(job.id, "b", {{"ok", true}}, 183));
  EXPECT_FALSE(store().complete(job.id, "b", {{"ok", true}}, 184));
  EXPECT_EQ(store().find(job.id)->status, kDone);
}

TEST_P(JobStoreTest, ExpiredLeaseOnTheLastAttemptDeadLetters) {
  Job job = make_job();
  job.max_attempts = 1;
  submitted(job);
  ASSERT_EQ(store().claim("a", kTypes, 1, 0, 100).size(), 1u);
  auto changed = store().requeue_expired(1000);
  ASSERT_EQ(changed.size(), 1u);
  EXPECT_EQ(changed[0].status, kFailed);
  EXPECT_EQ(changed[0].error_code, "lease_expired");
}

TEST_P(JobStoreTest, OneReapRoundCancelsDeadLettersAndRequeuesEachExpiredJobOnce) {
  Job cancel_me = make_job(), last_try = make_job(), again = make_job(), alive = make_job();
  last_try.max_attempts = 1;
  for (Job* job : {&cancel_me, &last_try, &again, &alive}) submitted(*job);
  ASSERT_EQ(store().claim("a", kTypes, 4, 0, 100).size(), 4u);
  store().cancel(cancel_me.id, 10);
  EXPECT_TRUE(store().heartbeat(alive.id, "a", 90, 100).held);  // expires at 190
  auto changed = store().requeue_expired(150);
  ASSERT_EQ(changed.size(), 3u);
  std::map<std::string, std::string> status;
  for (const auto& job : changed) status[job.id] = job.status;
  EXPECT_EQ(status[cancel_me.id], kCanceled);
  EXPECT_EQ(status[last_try.id], kFailed);
  EXPECT_EQ(status[again.id], kQueued);
  EXPECT_EQ(store().find(last_try.id)->error_code, "lease_expired");
  EXPECT_EQ(store().find(again.id)->error_code, "");
  EXPECT_EQ(store().find(again.id)->run_after, 150);
  EXPECT_EQ(store().find(cancel_me.id)->finished_at, 150);
  EXPECT_EQ(store().find(alive.id)->status, kRunning);
  // A second reaper (another node) finds nothing left to change.
  EXPECT_TRUE(store().requeue_expired(160).empty());
}

TEST_P(JobStoreTest, ConcurrentReapersChangeEachExpiredJobExactlyOnce) {
  constexpr int kJobs = 40;
  std::set<std::string> ids;
  for (int i = 0; i < kJobs; ++i) {
    Job job = make_job();
    submitted(job);
    ids.insert(job.id);
  }
  ASSERT_EQ(store().claim("a", kTypes, kJobs, 0, 100).size(), size_t{kJobs});
  std::mutex mutex;
  std::vector<std::string> reaped;
  std::vector<std::thread> nodes;
  for (int node = 0; node < 4; ++node) {
    nodes.emplace_back([&] {
      for (int round = 0; round < 3; ++round) {
        auto changed = store().requeue_expired(500);
        std::lock_guard lock(mutex);
        for (const auto& job : changed) reaped.push_back(job.id);
      }
    });
  }
  for (auto& node : nodes) node.join();
  EXPECT_EQ(reaped.size(), size_t{kJobs});
  EXPECT_EQ(std::set<std::string>(reaped.begin(), reaped.end()), ids);
}

TEST_P(JobStoreTest, ReleaseGivesTheAttemptBack) {
  Job job = make_job();
  submitted(job);
  ASSERT_EQ(store().claim("a", kTypes, 1, 0, 100).size(), 1u);
  EXPECT_TRUE(store().release(job.id, "a"));
  auto found = store().find(job.id);
  EXPECT_EQ(found->status, kQueued);
  EXPECT_EQ(found->attempts, 0);
}

TEST_P(JobStoreTest, CancelsQueuedJobsAtOnceAndAsksRunningOnesToStop) {
  Job queued = make_job("u1", {{"i", 1}});
  submitted(queued);
  auto canceled = store().cancel(queued.id, 50);
  ASSERT_TRUE(canceled);
  EXPECT_EQ(canceled->status, kCanceled);
  EXPECT_TRUE(store().claim("w", kTypes, 5, 100, 100).empty());

  Job running = make_job("u1", {{"i", 2}});
  submitted(running);
  ASSERT_EQ(store().claim("w", kTypes, 1, 100, 1000).size(), 1u);
  EXPECT_FALSE(store().cancel_requested(running.id));
  auto asked = store().cancel(running.id, 110);
  ASSERT_TRUE(asked);
  EXPECT_EQ(asked->status, kRunning);
  EXPECT_TRUE(asked->cancel_requested);
  EXPECT_TRUE(store().cancel_requested(running.id));
  EXPECT_TRUE(store().heartbeat(running.id, "w", 120, 1000).cancel_requested);
  EXPECT_TRUE(store().finish_canceled(running.id, "w", 130));
  EXPECT_EQ(store().find(running.id)->status, kCanceled);

  // A final job stays as it is.
  auto again = store().cancel(running.id, 140);
  EXPECT_EQ(again->finished_at, 130);
  EXPECT_FALSE(store().cancel(new_id(), 150));
}

TEST_P(JobStoreTest, IdempotencyKeysAreUniquePerOwner) {
  Job first = make_job("u1");
  first.idempotency_key = "key-1";
  EXPECT_TRUE(store().insert(first));
  Job second = make_job("u1");
  second.idempotency_key = "key-1";
  EXPECT_FALSE(store().insert(second));
  Job other_owner = make_job("u2");
  other_owner.idempotency_key = "key-1";
  EXPECT_TRUE(store().insert(other_owner));
  EXPECT_EQ(store().find_by_key("u1", "key-1")->id, first.id);
  EXPECT_EQ(store().find_by_key("u2", "key-1")->id, other_owner.id);
  EXPECT_FALSE(store().find_by_key("u1", "key-2"));
}

TEST_P(JobStoreTest, FindsDoneJobsWithTheSameInputWithinTheWindowOnly) {
  Job job = make_job("u1", {{"a", 1}, {"b", 2}});
  submitted(job);
  EXPECT_FALSE(store().find_done_by_hash("u1", job.input_hash, 0)) << "not done yet";
  ASSERT_EQ(store().claim("w", kTypes, 1, 0, 1000).size(), 1u);
  ASSERT_TRUE(store().complete(job.id, "w", {{"answer", 42}}, 5000));
  std::string same_hash = input_hash("noop", nlohmann::json::parse(R"({"b": 2, "a": 1})"));
  EXPECT_EQ(same_hash, job.input_hash);
  auto found = store().find_done_by_hash("u1", same_hash, 5000);
  ASSERT_TRUE(found);
  EXPECT_EQ((*found->result)["answer"], 42);
  EXPECT_FALSE(store().find_done_by_hash("u1", same_hash, 5001)) << "outside the window";
  EXPECT_FALSE(store().find_done_by_hash("u2", same_hash, 0)) << "another owner's job";
  EXPECT_NE(input_hash("other", job.input), job.input_hash);
}

TEST_P(JobStoreTest, ListsOneOwnersJobsNewestFirstWithFilters) {
  std::vector<Job> mine;
  for (int i = 0; i < 5; ++i) mine.push_back(submitted(make_job("u1", {{"i", i}})));
  submitted(make_job("u2"));
  store().cancel(mine[1].id, 10);
  ListFilter filter;
  filter.owner_id = "u1";
  filter.limit = 3;
  auto page = store().list(filter);
  ASSERT_EQ(page.size(), 3u);
  EXPECT_EQ(page[0].id, mine[4].id);
  filter.before_id = page.back().id;
  auto next = store().list(filter);
  ASSERT_EQ(next.size(), 2u);
  EXPECT_EQ(next[1].id, mine[0].id);
  ListFilter only_canceled;
  only_canceled.owner_id = "u1";
  only_canceled.status = "canceled";
  auto canceled = store().list(only_canceled);
  ASSERT_EQ(canceled.size(), 1u);
  EXPECT_EQ(canceled[0].id, mine[1].id);
  EXPECT_EQ(store().count_in_flight("u1"), 4);
  EXPECT_EQ(store().count_by_status("queued"), 5) << "every owner's";
  EXPECT_EQ(store().count_by_status("canceled"), 1);
}

TEST_P(JobStoreTest, ConcurrentSubmitsOnTwoNodesNeverPassTheInFlightLimit) {
  // Two stores stand for two nodes (separate write queues on one database).
  JobStore other(db());
  constexpr int kLimit = 25;
  std::atomic<int> inserted{0}, refused{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      JobStore& node = t % 2 == 0 ? store() : other;
      for (int i = 0; i < 10; ++i) {
        auto outcome = node.insert_within_limit(make_job("u1", {{"t", t}, {"i", i}}), kLimit);
        if (outcome == JobStore::LimitedInsert::kInserted) ++inserted;
        if (outcome == JobStore::LimitedInsert::kOverLimit) ++refused;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(inserted.load(), kLimit);
  EXPECT_EQ(refused.load(), 80 - kLimit);
  EXPECT_EQ(store().count_in_flight("u1"), kLimit);
  // A finished job frees a place; another owner has a limit of their own.
  auto claimed = store().claim("w", kTypes, 1, 0, 60'000);
  ASSERT_EQ(claimed.size(), 1u);
  ASSERT_TRUE(store().complete(claimed[0].id, "w", {}, 1));
  EXPECT_EQ(store().insert_within_limit(make_job("u2"), kLimit),
            JobStore::LimitedInsert::kInserted);
  EXPECT_EQ(store().insert_within_limit(make_job("u1", {{"n", 99}}), kLimit),
            JobStore::LimitedInsert::kInserted);
  EXPECT_EQ(store().insert_within_limit(make_job("u1", {{"n", 100}}), kLimit),
            JobStore::LimitedInsert::kOverLimit);
}

TEST_P(JobStoreTest, ProgressIsClampedAndBumpsTheEventSequence) {
  Job job = make_job();
  submitted(job);
  auto claimed = store().claim("w", kTypes, 1, 0, 1000);
  ASSERT_EQ(claimed.size(), 1u);
  auto state = store().progress(job.id, "w", 250, "almost", 10, 1000);
  EXPECT_TRUE(state.held);
  EXPECT_GT(state.event_seq, claimed[0].event_seq);
  auto found = store().find(job.id);
  EXPECT_EQ(found->progress, 100);
  EXPECT_EQ(found->progress_message, "almost");
  EXPECT_FALSE(store().progress(job.id, "intruder", 50, "", 10, 1000).held);
}

OD_INSTANTIATE_DATABASE_TEST(JobStoreTest);

}  // namespace
}  // namespace od::jobs
