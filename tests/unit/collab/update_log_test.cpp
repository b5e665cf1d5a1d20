// Group commit of room updates on both drivers: every append is stored with its room's next seq
// and reported in arrival order; appends that gather while a commit waits share one transaction;
// one bad append fails alone; the queue is bounded; stopping commits what is queued.
#include "collab/update_log.h"

#include <gtest/gtest.h>

#include <future>
#include <thread>
#include <vector>

#include "core/ids.h"
#include "support/databases.h"

namespace od::collab {
namespace {

class UpdateLogTest : public od::testing::DatabaseTest {
 protected:
  std::string add_project() {
    std::string user = new_id();
    db().execute("INSERT INTO users (id, email, created_at, updated_at) VALUES ($1, $2, 0, 0)",
                 {user, user + "@example.com"});
    std::string id = new_id();
    db().execute(
        "INSERT INTO projects (id, owner_id, title, created_at, updated_at) "
        "VALUES ($1, $2, 'p', 0, 0)",
        {id, user});
    return id;
  }

  // Holds the database's write lock on another thread until release() — what a long commit
  // looks like to everyone else.
  class WriterBlock {
   public:
    explicit WriterBlock(UpdateLogTest& test) {
      std::promise<void> locked;
      auto is_locked = locked.get_future();
      thread_ = std::thread([&test, &locked, this] {
        test.db().transaction([&](db::Session& s) {
          if (test.dialect() == db::Dialect::Postgres) {
            s.exec("LOCK TABLE collab_updates IN EXCLUSIVE MODE");
          }
          locked.set_value();
          released_.get_future().wait();
        });
      });
      is_locked.wait();
    }
    void release() {
      if (thread_.joinable()) {
        released_.set_value();
        thread_.join();
      }
    }
    ~WriterBlock() { release(); }

   private:
    std::promise<void> released_;
    std::thread thread_;
  };
};

// Collects each append's outcome and lets the test wait for all of them.
struct Outcomes {
  explicit Outcomes(size_t n) : seqs(n) {}
  UpdateLog::Done slot(size_t i) {
    return [this, i](std::optional<int64_t> seq) {
      std::lock_guard lock(mutex);
      seqs[i] = seq;
      order.push_back(i);
      if (order.size() == seqs.size()) all.set_value();
    };
  }
  void wait() { all.get_future().wait(); }
  std::mutex mutex;
  std::vector<std::optional<int64_t>> seqs;
  std::vector<size_t> order;
  std::promise<void> all;
};

TEST_P(UpdateLogTest, StoresEachRoomsUpdatesInOrderAndReportsThemInArrivalOrder) {
  CollabStore store(db());
  std::string project = add_project();
  const std::string design = "project/" + project + "/design";
  const std::string code = "project/" + project + "/code/a.js";
  store.append(design, project, "already there");
  Outcomes outcomes(6);
  {
    UpdateLog log(store);
    for (size_t i = 0; i < 6; ++i) {
      const std::string& room = i % 2 ? code : design;
      ASSERT_TRUE(log.append(room, project, "u" + std::to_string(i), outcomes.slot(i)));
    }
    outcomes.wait();
  }
  EXPECT_EQ(outcomes.order, (std::vector<size_t>{0, 1, 2, 3, 4, 5}));
  EXPECT_EQ(outcomes.seqs[0], 2);  // after the row already there
  EXPECT_EQ(outcomes.seqs[1], 1);
  EXPECT_EQ(outcomes.seqs[4], 4);
  EXPECT_EQ(outcomes.seqs[5], 3);
  auto rows = store.load(design);
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[1].data, "u0");
  EXPECT_EQ(rows[3].data, "u4");
  EXPECT_EQ(store.load(code).back().data, "u5");
}

TEST_P(UpdateLogTest, AppendsThatGatherDuringACommitShareOneTransaction) {
  CollabStore store(db());
  std::string project = add_project();
  const size_t n = 200;
  Outcomes outcomes(n);
  UpdateLog log(store);
  {
    WriterBlock block(*this);
    for (size_t i = 0; i < n; ++i) {
      ASSERT_TRUE(log.append("project/" + project + "/design", project, "x", outcomes.slot(i)));
    }
    block.release();
  }
  outcomes.wait();
  auto stats = log.stats();
  EXPECT_EQ(stats.appends, n);
  // The first append may have started its commit alone before the rest arrived; the rest waited
  // for the writer together. One commit per append would be 200.
  EXPECT_LE(stats.commits, 2u);
  EXPECT_EQ(store.load("project/" + project + "/design").size(), n);
}

TEST_P(UpdateLogTest, OneBadAppendFailsAloneAndTheBatchStillCommits) {
  CollabStore store(db());
  std::string project = add_project();
  UpdateLog log(store);
  Outcomes outcomes(3);
  {
    WriterBlock block(*this);  // the appends wait, then (mostly) go in one batch
    const std::string room = "project/" + project + "/design";
    ASSERT_TRUE(log.append(room, project, "good", outcomes.slot(0)));
    ASSERT_TRUE(log.append("project/nope/design", "no-such-project", "bad", outcomes.slot(1)));
    ASSERT_TRUE(log.append(room, project, "also good", outcomes.slot(2)));
  }
  outcomes.wait();
  EXPECT_EQ(outcomes.seqs[0], 1);
  EXPECT_FALSE(outcomes.seqs[1].has_value());
  EXPECT_EQ(outcomes.seqs[2], 2);
  EXPECT_EQ(store.load("project/nope/design").size(), 0u);
  auto rows = store.load("project/" + project + "/design");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1].data, "also good");
}

TEST_P(UpdateLogTest, RefusesAppendsBeyondItsBound) {
  CollabStore store(db());
  std::string project = add_project();
  Outcomes outcomes(3);
  UpdateLog log(store, /*max_pending=*/2);
  {
    WriterBlock block(*this);
    const std::string room = "project/" + project + "/design";
    ASSERT_TRUE(log.append(room, project, "a", outcomes.slot(0)));
    ASSERT_TRUE(log.append(room, project, "b", outcomes.slot(1)));
    // At most two wait in the queue (the first may already be in the blocked commit).
    bool third = log.append(room, project, "c", outcomes.slot(2));
    EXPECT_FALSE(log.append(room, project, "d", [](std::optional<int64_t>) { FAIL(); }));
    if (!third) outcomes.slot(2)(std::nullopt);  // never queued: complete the count by hand
  }
  outcomes.wait();
}

TEST_P(UpdateLogTest, StoppingCommitsWhatIsQueued) {
  CollabStore store(db());
  std::string project = add_project();
  Outcomes outcomes(50);
  {
    UpdateLog log(store);
    for (size_t i = 0; i < 50; ++i) {
      ASSERT_TRUE(log.append("project/" + project + "/design", project, "x", outcomes.slot(i)));
    }
  }  // destroyed at once
  EXPECT_EQ(outcomes.order.size(), 50u);
  EXPECT_EQ(store.load("project/" + project + "/design").size(), 50u);
}

OD_INSTANTIATE_DATABASE_TEST(UpdateLogTest);

}  // namespace
}  // namespace od::collab
