#include "http/deferred_slot.h"

#include <gtest/gtest.h>

namespace od::http {
namespace {

TEST(DeferredSlot, TheFirstCompletionWinsAndWakesTheWaiterOnce) {
  DeferredSlot slot;
  int wakeups = 0;
  slot.set_wakeup([&] { ++wakeups; });
  EXPECT_FALSE(slot.take());
  EXPECT_TRUE(slot.complete(Response::json(200, {{"n", 1}})));
  EXPECT_FALSE(slot.complete(Response::json(200, {{"n", 2}})));
  EXPECT_EQ(wakeups, 1);
  auto answer = slot.take();
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->body, R"({"n":1})");
}

TEST(DeferredSlot, AWakeupSetAfterTheAnswerRunsAtOnce) {
  DeferredSlot slot;
  slot.complete(Response::no_content());
  int wakeups = 0;
  slot.set_wakeup([&] { ++wakeups; });
  EXPECT_EQ(wakeups, 1);
}

TEST(DeferredSlot, AForgottenWakeupIsNotRunByALateAnswer) {
  DeferredSlot slot;
  int wakeups = 0;
  slot.set_wakeup([&] { ++wakeups; });
  slot.forget_wakeup();  // the waiting connection is gone
  EXPECT_TRUE(slot.complete(Response::no_content()));
  EXPECT_EQ(wakeups, 0);
}

}  // namespace
}  // namespace od::http
