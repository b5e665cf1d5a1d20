// RenderFlights: concurrent renders of one key run once and share the result or the error; past
// the bound on waiters, 503; other keys render independently.
#include "assets/render_flights.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <thread>

#include "core/error.h"

namespace od::assets {
namespace {

// Polls `ready` with a deadline (the waiter reaches its wait on another thread).
void wait_until(const std::function<bool()>& ready) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!ready()) {
    ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "condition never became true";
    std::this_thread::yield();
  }
}

Variant named(const std::string& name) {
  Variant v;
  v.name = name;
  return v;
}

TEST(RenderFlights, ConcurrentRequestsShareOneRender) {
  RenderFlights flights(4);
  std::promise<void> started, release;
  std::shared_future<void> released = release.get_future().share();
  std::atomic<int> renders{0};
  auto slow = [&] {
    ++renders;
    started.set_value();
    released.wait();
    return named("rendered");
  };
  auto leader = std::async(std::launch::async, [&] { return flights.run("a/v", slow); });
  started.get_future().wait();
  auto waiter = std::async(std::launch::async, [&] {
    return flights.run("a/v", [&] {
      ++renders;
      return named("again");
    });
  });
  wait_until([&] { return flights.waiting() == 1; });
  // Another key is not held up by this flight.
  EXPECT_EQ(flights.run("b/v", [] { return named("b"); }).name, "b");
  release.set_value();
  EXPECT_EQ(leader.get().name, "rendered");
  EXPECT_EQ(waiter.get().name, "rendered");
  EXPECT_EQ(renders.load(), 1);
  // Once landed, the next request renders (or finds the stored variant) afresh.
  EXPECT_EQ(flights.run("a/v", [] { return named("later"); }).name, "later");
}

TEST(RenderFlights, WaitersShareTheErrorAndAreBounded) {
  RenderFlights flights(1);
  std::promise<void> started, release;
  std::shared_future<void> released = release.get_future().share();
  auto failing = [&]() -> Variant {
    started.set_value();
    released.wait();
    throw ApiError(422, "corrupt_image", "The image cannot be decoded.");
  };
  auto leader = std::async(std::launch::async, [&] { return flights.run("a/v", failing); });
  started.get_future().wait();
  auto waiter =
      std::async(std::launch::async, [&] { return flights.run("a/v", [] { return named("x"); }); });
  wait_until([&] { return flights.waiting() == 1; });
  try {
    flights.run("a/v", [] { return named("x"); });
    ADD_FAILURE() << "a waiter past the bound was accepted";
  } catch (const ApiError& e) {
    EXPECT_EQ(e.status(), 503);
  }
  release.set_value();
  for (auto* call : {&leader, &waiter}) {
    try {
      call->get();
      ADD_FAILURE() << "the render's error was not passed on";
    } catch (const ApiError& e) {
      EXPECT_EQ(e.code(), "corrupt_image");
    }
  }
}

}  // namespace
}  // namespace od::assets
