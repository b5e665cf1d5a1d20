// SmallMutex excludes: threads that fight over it never interleave inside it, and a thread that
// found it held sleeps until the holder lets go, then gets it.
#include "core/small_mutex.h"

#include <gtest/gtest.h>

#include <mutex>
#include <thread>
#include <vector>

namespace od {
namespace {

TEST(SmallMutex, IsFourBytes) { EXPECT_EQ(sizeof(SmallMutex), 4u); }

TEST(SmallMutex, ExcludesContendingThreads) {
  SmallMutex mutex;
  long counter = 0;  // plain: only the mutex keeps the increments apart
  int inside = 0;
  bool overlapped = false;
  constexpr int kThreads = 4;
  constexpr int kRounds = 50000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kRounds; ++i) {
        std::lock_guard lock(mutex);
        overlapped |= ++inside != 1;
        ++counter;
        --inside;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_FALSE(overlapped);
  EXPECT_EQ(counter, static_cast<long>(kThreads) * kRounds);
}

TEST(SmallMutex, AWaiterGetsItOnceTheHolderUnlocks) {
  SmallMutex mutex;
  std::atomic<bool> waiter_in{false};
  mutex.lock();
  std::thread waiter([&] {
    std::lock_guard lock(mutex);
    waiter_in = true;
  });
  // The waiter cannot get in while the lock is held, however long it tries.
  for (int i = 0; i < 1000; ++i) std::this_thread::yield();
  EXPECT_FALSE(waiter_in.load());
  mutex.unlock();
  waiter.join();
  EXPECT_TRUE(waiter_in.load());
}

}  // namespace
}  // namespace od
