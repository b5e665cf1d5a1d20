// The circuit breaker's state machine with an injected clock (no sleeps): opening after N
// consecutive failures, the cool-down, exactly one half-open probe, closing or reopening on its
// outcome, stale outcomes ignored, and many threads at once.
#include "ai/circuit_breaker.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

namespace od::ai {
namespace {

using State = CircuitBreaker::State;

class CircuitBreakerTest : public ::testing::Test {
 protected:
  int64_t now = 1'000'000;
  CircuitBreaker breaker{{.failure_threshold = 3, .cooldown_ms = 10'000}, [this] { return now; }};

  void fail_once() {
    auto permit = breaker.allow();
    ASSERT_TRUE(permit);
    breaker.record_failure(*permit);
  }
};

TEST_F(CircuitBreakerTest, OpensAfterConsecutiveFailuresOnly) {
  fail_once();
  fail_once();
  breaker.record_success(*breaker.allow());  // a success resets the count
  fail_once();
  fail_once();
  EXPECT_EQ(breaker.state(), State::Closed);
  fail_once();
  EXPECT_EQ(breaker.state(), State::Open);
  EXPECT_FALSE(breaker.allow());
  EXPECT_EQ(breaker.retry_in_ms(), 10'000);
}

TEST_F(CircuitBreakerTest, AfterTheCooldownExactlyOneProbeGoesThrough) {
  for (int i = 0; i < 3; ++i) fail_once();
  now += 9'999;
  EXPECT_FALSE(breaker.allow());
  now += 1;
  auto probe = breaker.allow();
  ASSERT_TRUE(probe);
  EXPECT_TRUE(probe->probe);
  EXPECT_EQ(breaker.state(), State::HalfOpen);
  EXPECT_FALSE(breaker.allow());
  EXPECT_FALSE(breaker.allow());
  breaker.record_success(*probe);
  EXPECT_EQ(breaker.state(), State::Closed);
  EXPECT_TRUE(breaker.allow());
}

TEST_F(CircuitBreakerTest, AFailedProbeOpensForAnotherCooldown) {
  for (int i = 0; i < 3; ++i) fail_once();
  now += 10'000;
  auto probe = breaker.allow();
  ASSERT_TRUE(probe);
  breaker.record_failure(*probe);
  EXPECT_EQ(breaker.state(), State::Open);
  now += 5'000;
  EXPECT_FALSE(breaker.allow());
  now += 5'000;
  EXPECT_TRUE(breaker.allow());
}

TEST_F(CircuitBreakerTest, AnAbandonedProbeLetsTheNextCallerProbe) {
  for (int i = 0; i < 3; ++i) fail_once();
  now += 10'000;
  auto probe = breaker.allow();
  ASSERT_TRUE(probe);
  EXPECT_FALSE(breaker.allow());
  breaker.record_abandoned(*probe);
  EXPECT_EQ(breaker.state(), State::HalfOpen);
  auto next = breaker.allow();
  ASSERT_TRUE(next);
  EXPECT_TRUE(next->probe);
}

TEST_F(CircuitBreakerTest, OutcomesOfCallsAdmittedBeforeAStateChangeAreIgnored) {
  auto slow = breaker.allow();  // admitted while closed
  for (int i = 0; i < 3; ++i) fail_once();
  now += 10'000;
  auto probe = breaker.allow();
  ASSERT_TRUE(probe);
  breaker.record_success(*slow);  // late, from before the breaker opened: must not close it
  EXPECT_EQ(breaker.state(), State::HalfOpen);
  breaker.record_failure(*slow);
  EXPECT_EQ(breaker.state(), State::HalfOpen);
  breaker.record_success(*probe);
  EXPECT_EQ(breaker.state(), State::Closed);
}

TEST_F(CircuitBreakerTest, ConcurrentCallersGetOneProbeBetweenThem) {
  for (int i = 0; i < 3; ++i) fail_once();
  now += 10'000;
  std::atomic<int> admitted{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 1000; ++i) {
        if (breaker.allow()) ++admitted;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(admitted.load(), 1);
}

TEST_F(CircuitBreakerTest, ConcurrentFailuresOpenItOnce) {
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 100; ++i) {
        if (auto permit = breaker.allow()) breaker.record_failure(*permit);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(breaker.state(), State::Open);
  EXPECT_EQ(breaker.retry_in_ms(), 10'000);
}

}  // namespace
}  // namespace od::ai
