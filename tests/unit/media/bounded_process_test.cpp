#include "media/bounded_process.h"

#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <fstream>
#include <stdexcept>

namespace od::media {
namespace {

using namespace std::chrono_literals;

const std::string kLog = "/tmp/od-bounded-process-test.log";

TEST(BoundedProcess, ReportsExitCodes) {
  ChildExit exit = run_bounded({"/bin/sh", "-c", "echo hello; exit 7"}, 10s, kLog);
  EXPECT_FALSE(exit.timed_out);
  EXPECT_EQ(exit.exit_code, 7);
  EXPECT_EQ(exit.signal, 0);
  std::ifstream log(kLog);
  std::string line;
  std::getline(log, line);
  EXPECT_EQ(line, "hello");  // stdout goes to the log
}

TEST(BoundedProcess, ReportsTheSignalThatEndedTheChild) {
  ChildExit exit = run_bounded({"/bin/sh", "-c", "kill -SEGV $$"}, 10s, kLog);
  EXPECT_EQ(exit.signal, SIGSEGV);
  EXPECT_FALSE(exit.timed_out);
}

TEST(BoundedProcess, KillsAChildThatOutlivesItsDeadline) {
  auto start = std::chrono::steady_clock::now();
  ChildExit exit = run_bounded({"/bin/sleep", "30"}, 300ms, kLog);
  EXPECT_TRUE(exit.timed_out);
  EXPECT_EQ(exit.signal, SIGKILL);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 20s);
}

TEST(BoundedProcess, TicksAndStopsWhenTheTickSaysSo) {
  int ticks = 0;
  ChildExit exit = run_bounded({"/bin/sleep", "30"}, 60s, kLog, [&ticks] { return ++ticks < 2; });
  EXPECT_TRUE(exit.stopped);
  EXPECT_FALSE(exit.timed_out);
  EXPECT_EQ(ticks, 2);
}

TEST(BoundedProcess, UnblocksSignalsTheParentBlocked) {
  sigset_t term, old;
  sigemptyset(&term);
  sigaddset(&term, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &term, &old);
  ChildExit exit = run_bounded({"/bin/sh", "-c", "kill -TERM $$; sleep 5"}, 10s, kLog);
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
  EXPECT_EQ(exit.signal, SIGTERM);
}

TEST(BoundedProcess, AMissingProgramIsAnErrorNotACrash) {
  EXPECT_THROW(run_bounded({"/nonexistent/program"}, 10s, kLog), std::runtime_error);
}

}  // namespace
}  // namespace od::media
