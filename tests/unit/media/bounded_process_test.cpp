#include "media/bounded_process.h"

#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

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

TEST(BoundedProcess, AChildThatAskedDiesWithItsParent) {
  // test -> middle -> child: the child asks, then holds a pipe's write end until it dies; killing
  // the middle must close that pipe (without the request the child would wait for ever).
  int alive[2];
  ASSERT_EQ(::pipe(alive), 0);
  pid_t middle = ::fork();
  ASSERT_GE(middle, 0);
  if (middle == 0) {
    pid_t parent = ::getpid();
    if (::fork() == 0) {
      if (!die_with_parent(parent)) ::_exit(1);
      pid_t self = ::getpid();
      if (::write(alive[1], &self, sizeof self) != sizeof self) ::_exit(1);
      ::pause();
      ::_exit(0);
    }
    ::pause();
    ::_exit(0);
  }
  ::close(alive[1]);
  pid_t child = 0;
  ASSERT_EQ(::read(alive[0], &child, sizeof child), static_cast<ssize_t>(sizeof child))
      << "the child did not get as far as asking";
  ::kill(middle, SIGKILL);
  ::waitpid(middle, nullptr, 0);
  pollfd gone{alive[0], POLLIN, 0};
  int ready = ::poll(&gone, 1, 10'000);
  char byte;
  bool closed = ready == 1 && ::read(alive[0], &byte, 1) == 0;
  if (!closed) ::kill(child, SIGKILL);
  ::close(alive[0]);
  EXPECT_TRUE(closed) << "the child outlived its parent";
}

TEST(BoundedProcess, AChildWhoseParentIsAlreadyGoneIsToldSo) {
  pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  // Pid 1 is never this test's pid: to the child it is a parent that has gone.
  if (pid == 0) ::_exit(die_with_parent(1) ? 0 : 6);
  int status = 0;
  ::waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 6);
}

}  // namespace
}  // namespace od::media
