#include "core/worker_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <stdexcept>

namespace od {
namespace {

TEST(WorkerPool, RunsTasksInFifoOrderOnOneThread) {
  WorkerPool pool(1, 16);
  std::vector<int> order;
  std::promise<void> done;
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(pool.try_submit([&order, i] { order.push_back(i); }));
  ASSERT_TRUE(pool.try_submit([&done] { done.set_value(); }));
  done.get_future().wait();
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2, 3, 4}));
}

TEST(WorkerPool, RefusesWorkWhenTheQueueIsFull) {
  WorkerPool pool(1, 1);
  std::promise<void> release;
  std::shared_future<void> gate = release.get_future().share();
  std::promise<void> started;
  ASSERT_TRUE(pool.try_submit([&] {
    started.set_value();
    gate.wait();
  }));
  started.get_future().wait();                            // the only thread is busy now
  EXPECT_TRUE(pool.try_submit([gate] { gate.wait(); }));  // fills the queue
  EXPECT_FALSE(pool.try_submit([] {}));
  auto stats = pool.stats();
  EXPECT_EQ(stats.busy, 1u);
  EXPECT_EQ(stats.queued, 1u);
  release.set_value();
}

TEST(WorkerPool, ShutdownFinishesQueuedWorkThenRefuses) {
  std::atomic<int> ran{0};
  WorkerPool pool(2, 100);
  for (int i = 0; i < 50; ++i) ASSERT_TRUE(pool.try_submit([&ran] { ++ran; }));
  pool.shutdown();
  EXPECT_EQ(ran.load(), 50);
  EXPECT_FALSE(pool.try_submit([] {}));
  pool.shutdown();  // idempotent
}

TEST(WorkerPool, ATaskThatThrowsDoesNotKillItsThread) {
  WorkerPool pool(1, 4);
  ASSERT_TRUE(pool.try_submit([] { throw std::runtime_error("boom"); }));
  ASSERT_TRUE(pool.try_submit([] { throw 42; }));
  std::promise<void> done;
  ASSERT_TRUE(pool.try_submit([&done] { done.set_value(); }));
  done.get_future().wait();
  EXPECT_EQ(pool.stats().threads, 1u);
}

}  // namespace
}  // namespace od
