#include "jobs/parked_polls.h"

#include <algorithm>
#include <iterator>
#include <set>

#include "core/log.h"

namespace od::jobs {
namespace {

// Parked polls look for jobs at least this often, so jobs that become due without a submit (a
// retry's backoff ending) are found.
constexpr auto kSlice = std::chrono::seconds(1);

}  // namespace

ParkedPolls::ParkedPolls(Claim claim, size_t max_parked)
    : claim_(std::move(claim)), max_parked_(max_parked) {}

ParkedPolls::~ParkedPolls() { stop(); }

void ParkedPolls::start() {
  std::lock_guard lock(mutex_);
  if (running_ || keeper_.joinable()) return;
  running_ = true;
  keeper_ = std::thread([this] { keep(); });
}

void ParkedPolls::stop() {
  std::thread keeper;
  {
    std::lock_guard lock(mutex_);
    running_ = false;
    keeper.swap(keeper_);
  }
  changed_.notify_all();
  if (keeper.joinable()) keeper.join();
}

ParkedPolls::Parked ParkedPolls::park(Poll poll) {
  {
    std::lock_guard lock(mutex_);
    if (!running_) return Parked::Stopped;
    if (waiting_ >= max_parked_) return Parked::Full;
    parked_.push_back({std::move(poll)});
    ++waiting_;
    arrived_ = true;
  }
  // A job queued between the caller's own lease attempt and now woke nobody for this poll: the
  // keeper looks for it at once.
  changed_.notify_all();
  return Parked::Yes;
}

void ParkedPolls::wake() {
  {
    std::lock_guard lock(mutex_);
    ++wakeups_;
  }
  changed_.notify_all();
}

size_t ParkedPolls::size() {
  std::lock_guard lock(mutex_);
  return waiting_;
}

void ParkedPolls::answer(Poll& poll, std::vector<Job> jobs) {
  {
    // Counted out first: a client that has its answer sees the gauge without its poll.
    std::lock_guard lock(mutex_);
    --waiting_;
  }
  poll.done(std::move(jobs));
}

void ParkedPolls::keep() {
  uint64_t seen = 0;
  auto last_full = Clock::now();
  std::unique_lock lock(mutex_);
  while (running_) {
    auto now = Clock::now();
    bool woken = wakeups_ != seen;
    bool due = std::any_of(parked_.begin(), parked_.end(),
                           [&](const Entry& e) { return e.poll.deadline <= now; });
    bool everyone = woken || now - last_full >= kSlice;
    if (parked_.empty() || (!everyone && !arrived_ && !due)) {
      auto until = Clock::time_point::max();
      if (!parked_.empty()) {
        until = last_full + kSlice;
        for (const auto& e : parked_) until = std::min(until, e.poll.deadline);
      }
      changed_.wait_until(lock, until, [&] { return !running_ || wakeups_ != seen || arrived_; });
      if (parked_.empty()) seen = wakeups_;  // nobody to serve: those submits are not for us
      continue;
    }
    if (everyone) {
      seen = wakeups_;
      last_full = now;
    }
    arrived_ = false;
    std::deque<Entry> round;
    round.swap(parked_);
    lock.unlock();
    std::deque<Entry> waiting = serve(std::move(round), everyone);
    lock.lock();
    // Those still waiting go before polls parked meanwhile: they have waited longer.
    parked_.insert(parked_.begin(), std::make_move_iterator(waiting.begin()),
                   std::make_move_iterator(waiting.end()));
  }
  std::deque<Entry> rest;
  rest.swap(parked_);
  lock.unlock();
  for (auto& e : rest) answer(e.poll, {});
}

std::deque<ParkedPolls::Entry> ParkedPolls::serve(std::deque<Entry> round, bool everyone) {
  std::deque<Entry> waiting;
  // Type lists that found the queue empty this pass: polls with the same list skip the query.
  std::set<std::vector<std::string>> drained;
  for (auto& entry : round) {
    Poll& poll = entry.poll;
    std::vector<Job> jobs;
    if ((everyone || entry.fresh) && !drained.count(poll.types)) {
      try {
        jobs = claim_(poll.owner, poll.types, poll.max, poll.lease_ms);
      } catch (const std::exception& e) {
        // The database may be briefly unreachable: the poll waits on and tries again.
        log::warn("parked lease failed", {{"owner", poll.owner}, {"error", e.what()}});
      }
      if (jobs.empty()) drained.insert(poll.types);
    }
    entry.fresh = false;
    if (!jobs.empty() || Clock::now() >= poll.deadline) {
      answer(poll, std::move(jobs));
    } else {
      waiting.push_back(std::move(entry));
    }
  }
  return waiting;
}

}  // namespace od::jobs
