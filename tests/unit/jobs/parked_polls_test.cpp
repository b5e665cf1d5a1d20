// ParkedPolls with a fake queue: oldest poll served first, one job wakes one poll, deadlines,
// the bound, and stop() answering every poll.
#include "jobs/parked_polls.h"

#include <gtest/gtest.h>

#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <thread>

namespace od::jobs {
namespace {

using namespace std::chrono_literals;

// A queue of job ids the keeper leases from, and the answers polls got.
class ParkedPollsTest : public ::testing::Test {
 protected:
  ParkedPolls::Claim claim() {
    return [this](const std::string&, const std::vector<std::string>&, int max, int64_t) {
      std::lock_guard lock(mutex_);
      std::vector<Job> out;
      while (!queue_.empty() && static_cast<int>(out.size()) < max) {
        Job job;
        job.id = queue_.front();
        queue_.pop_front();
        out.push_back(job);
      }
      return out;
    };
  }

  ParkedPolls::Poll poll(const std::string& name, std::chrono::milliseconds wait = 30s) {
    return {"ext:w",
            {"t"},
            1,
            1000,
            ParkedPolls::Clock::now() + wait,
            [this, name](std::vector<Job> jobs) {
              std::lock_guard lock(mutex_);
              answers_[name] = jobs.empty() ? "none" : jobs.front().id;
            }};
  }

  void enqueue(const std::string& id) {
    std::lock_guard lock(mutex_);
    queue_.push_back(id);
  }

  std::map<std::string, std::string> answers() {
    std::lock_guard lock(mutex_);
    return answers_;
  }

  bool eventually(const std::function<bool()>& condition) {
    auto end = std::chrono::steady_clock::now() + 10s;
    while (!condition()) {
      if (std::chrono::steady_clock::now() >= end) return false;
      std::this_thread::yield();
    }
    return true;
  }

  std::mutex mutex_;
  std::deque<std::string> queue_;
  std::map<std::string, std::string> answers_;
};

TEST_F(ParkedPollsTest, NothingParksBeforeStartOrAfterStop) {
  ParkedPolls polls(claim(), 10);
  EXPECT_EQ(polls.park(poll("a")), ParkedPolls::Parked::Stopped);
  polls.start();
  polls.stop();
  EXPECT_EQ(polls.park(poll("b")), ParkedPolls::Parked::Stopped);
  EXPECT_TRUE(answers().empty());
}

TEST_F(ParkedPollsTest, AJobGoesToTheOldestPollAndWakesOnlyIt) {
  ParkedPolls polls(claim(), 10);
  polls.start();
  for (const char* name : {"first", "second", "third"}) {
    ASSERT_EQ(polls.park(poll(name)), ParkedPolls::Parked::Yes);
  }
  EXPECT_EQ(polls.size(), 3u);
  enqueue("j1");
  polls.wake();
  ASSERT_TRUE(eventually([&] { return polls.size() == 2; }));
  EXPECT_EQ(answers(), (std::map<std::string, std::string>{{"first", "j1"}}));
  enqueue("j2");
  enqueue("j3");
  polls.wake();
  ASSERT_TRUE(eventually([&] { return polls.size() == 0; }));
  EXPECT_EQ(answers(), (std::map<std::string, std::string>{
                           {"first", "j1"}, {"second", "j2"}, {"third", "j3"}}));
}

TEST_F(ParkedPollsTest, APollParkedAfterItsJobWasQueuedStillGetsIt) {
  ParkedPolls polls(claim(), 10);
  polls.start();
  enqueue("early");  // queued with no wake-up the poll could have seen
  ASSERT_EQ(polls.park(poll("late")), ParkedPolls::Parked::Yes);
  ASSERT_TRUE(eventually([&] { return polls.size() == 0; }));
  EXPECT_EQ(answers()["late"], "early");
}

TEST_F(ParkedPollsTest, TheDeadlineAnswersWithNoJob) {
  ParkedPolls polls(claim(), 10);
  polls.start();
  ASSERT_EQ(polls.park(poll("short", 50ms)), ParkedPolls::Parked::Yes);
  ASSERT_EQ(polls.park(poll("long")), ParkedPolls::Parked::Yes);
  ASSERT_TRUE(eventually([&] { return polls.size() == 1; }));
  EXPECT_EQ(answers(), (std::map<std::string, std::string>{{"short", "none"}}));
}

TEST_F(ParkedPollsTest, PastTheBoundPollsAreRefusedAndStopAnswersTheRest) {
  ParkedPolls polls(claim(), 2);
  polls.start();
  EXPECT_EQ(polls.park(poll("a")), ParkedPolls::Parked::Yes);
  EXPECT_EQ(polls.park(poll("b")), ParkedPolls::Parked::Yes);
  EXPECT_EQ(polls.park(poll("c")), ParkedPolls::Parked::Full);
  polls.stop();
  EXPECT_EQ(polls.size(), 0u);
  EXPECT_EQ(answers(), (std::map<std::string, std::string>{{"a", "none"}, {"b", "none"}}));
}

}  // namespace
}  // namespace od::jobs
