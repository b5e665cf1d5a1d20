#include "core/periodic_task.h"

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <stdexcept>

using namespace std::chrono_literals;

namespace {

// Counts rounds and lets the test wait (bounded) for a count.
struct Rounds {
  std::mutex mutex;
  std::condition_variable changed;
  int count = 0;

  void add() {
    std::lock_guard lock(mutex);
    ++count;
    changed.notify_all();
  }
  bool wait_for(int n) {
    std::unique_lock lock(mutex);
    return changed.wait_for(lock, 10s, [&] { return count >= n; });
  }
  int now() {
    std::lock_guard lock(mutex);
    return count;
  }
};

}  // namespace

TEST(PeriodicTask, RunsARoundEveryIntervalUntilStopped) {
  Rounds rounds;
  od::PeriodicTask task("test task", 1ms, [&] { rounds.add(); });
  EXPECT_EQ(rounds.now(), 0) << "nothing runs before start()";
  task.start();
  task.start();  // a second start is harmless
  ASSERT_TRUE(rounds.wait_for(3));
  task.stop();
  int after_stop = rounds.now();
  task.stop();  // stopping twice is harmless
  EXPECT_EQ(rounds.now(), after_stop) << "no round after stop() returned";
}

TEST(PeriodicTask, ARoundThatThrowsDoesNotEndTheThread) {
  Rounds rounds;
  od::PeriodicTask task("test task", 1ms, [&] {
    rounds.add();
    throw std::runtime_error("database unreachable");
  });
  task.start();
  EXPECT_TRUE(rounds.wait_for(3));
}

TEST(PeriodicTask, StopDoesNotWaitForTheInterval) {
  Rounds rounds;
  od::PeriodicTask task("test task", std::chrono::hours(1), [&] { rounds.add(); });
  task.start();
  auto started = std::chrono::steady_clock::now();
  task.stop();
  EXPECT_LT(std::chrono::steady_clock::now() - started, 5s);
  EXPECT_EQ(rounds.now(), 0);
}
