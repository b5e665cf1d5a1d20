// The write combiner on both drivers: writes that wait while a batch commits are committed
// together in the next transaction, each keeps its own outcome (one that throws is undone alone),
// and every caller returns only once its write is committed.
#include "jobs/write_combiner.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <stdexcept>
#include <thread>
#include <vector>

#include "support/databases.h"

namespace od::jobs {
namespace {

void add_user(db::Session& s, const std::string& id) {
  s.exec("INSERT INTO users (id, email, created_at, updated_at) VALUES ($1, $2, 0, 0)",
         {id, id + "@example.com"});
}

// A write that adds `user` and then holds its batch open until release(): writes issued
// meanwhile must queue for the next batch.
class HeldWrite {
 public:
  HeldWrite(WriteCombiner& combiner, std::string user) {
    auto may_finish = release_.get_future().share();
    done_ = std::async(std::launch::async, [this, &combiner, user, may_finish] {
      combiner.run([&](db::Session& s) {
        add_user(s, user);
        started_.set_value();
        may_finish.wait();
      });
    });
    started_.get_future().wait();
  }
  ~HeldWrite() { release(); }
  void release() {
    if (!released_) release_.set_value();
    released_ = true;
  }
  void finish() {
    release();
    done_.get();
  }

 private:
  std::promise<void> started_, release_;
  bool released_ = false;
  std::future<void> done_;
};

class WriteCombinerTest : public od::testing::DatabaseTest {
 protected:
  int64_t users_named(const std::string& id) {
    return db().query("SELECT COUNT(*) FROM users WHERE id = $1", {id}).rows.front().integer(0);
  }
  // Polls `done` until it holds or 10 s have passed.
  static bool eventually(const std::function<bool()>& done) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!done()) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return true;
  }
};

TEST_P(WriteCombinerTest, WritesWaitingForABatchShareTheNextCommit) {
  WriteCombiner combiner(db(), 64);
  HeldWrite first(combiner, "first");
  std::vector<std::future<void>> queued;
  for (const char* id : {"a", "b", "c"}) {
    queued.push_back(std::async(std::launch::async, [&combiner, id] {
      combiner.run([id](db::Session& s) { add_user(s, id); });
    }));
  }
  bool all_queued = eventually([&] { return combiner.waiting() == 3; });
  EXPECT_EQ(users_named("a"), 0) << "nothing is visible before its batch commits";
  first.finish();
  ASSERT_TRUE(all_queued);
  for (auto& write : queued) write.get();

  EXPECT_EQ(combiner.batches_committed(), 2u) << "the first write alone, then the three together";
  for (const char* id : {"first", "a", "b", "c"}) EXPECT_EQ(users_named(id), 1) << id;
}

TEST_P(WriteCombinerTest, FailingWritesFailAloneAndTheOthersCommit) {
  WriteCombiner combiner(db(), 64);
  HeldWrite first(combiner, "taken");
  // A duplicate key (on PostgreSQL it aborts the whole transaction), a write that throws after
  // its insert, and a good write, all in one batch.
  auto duplicate = std::async(std::launch::async,
                              [&] { combiner.run([&](db::Session& s) { add_user(s, "taken"); }); });
  auto throwing = std::async(std::launch::async, [&] {
    combiner.run([&](db::Session& s) {
      add_user(s, "undone");
      throw std::runtime_error("this write fails after its insert");
    });
  });
  auto good = std::async(std::launch::async,
                         [&] { combiner.run([&](db::Session& s) { add_user(s, "kept"); }); });
  bool all_queued = eventually([&] { return combiner.waiting() == 3; });
  first.finish();
  ASSERT_TRUE(all_queued);
  EXPECT_THROW(duplicate.get(), db::Error);
  EXPECT_THROW(throwing.get(), std::runtime_error);
  good.get();
  EXPECT_EQ(users_named("taken"), 1);
  EXPECT_EQ(users_named("undone"), 0) << "the failed write's insert is rolled back";
  EXPECT_EQ(users_named("kept"), 1);
  EXPECT_EQ(combiner.batches_committed(), 2u) << "the first write, then the good one alone";
}

TEST_P(WriteCombinerTest, ManyThreadsEachSeeTheirWriteCommittedOnReturn) {
  WriteCombiner combiner(db(), 16);
  constexpr int kThreads = 8, kEach = 40;
  std::atomic<int> missing{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        std::string id = "u" + std::to_string(t) + "-" + std::to_string(i);
        combiner.run([&](db::Session& s) { add_user(s, id); });
        // Read on another connection: only committed rows are visible there.
        if (users_named(id) != 1) ++missing;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(missing.load(), 0);
  EXPECT_EQ(db().query("SELECT COUNT(*) FROM users").rows.front().integer(0), kThreads * kEach);
}

OD_INSTANTIATE_DATABASE_TEST(WriteCombinerTest);

}  // namespace
}  // namespace od::jobs
