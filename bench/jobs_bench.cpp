// Job queue throughput and latency, in process (no HTTP): a JobsService and 4 in-process workers
// over a real database. Prints
//   - end-to-end throughput: N no-op jobs submitted from S threads (4 by default; a server has
//     many clients at once) while the workers claim and complete them (submit + claim +
//     complete), jobs/s until the last is done, and the write combiner's commits per job;
//   - submit-to-start latency: jobs submitted one at a time on an idle queue, the time from
//     submit() to the handler starting (p50/p99).
// SQLite always (a temp file, fsync on every commit as in production); PostgreSQL too when
// OD_TEST_POSTGRES_URL names a server (a scratch database is created and dropped).
//
//   build/bench_jobs_bench [jobs [claim-batch [submitters]]]
#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <thread>
#include <vector>

#include "core/crypto.h"
#include "db/database.h"
#include "jobs/service.h"
#include "jobs/workers.h"

namespace {

using Clock = std::chrono::steady_clock;
using od::jobs::JobContext;

int64_t clock_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch())
      .count();
}

// A no-op that notes when it started relative to the submit time carried in its input.
class ProbeHandler : public od::jobs::JobHandler {
 public:
  std::string type() const override { return "probe"; }
  nlohmann::json run(JobContext& context) override {
    int64_t submitted = context.input().value("t", int64_t{0});
    std::lock_guard lock(mutex);
    if (submitted > 0) latencies_ns.push_back(clock_ns() - submitted);
    ++started;
    changed.notify_all();
    return {{"ok", true}};
  }
  std::mutex mutex;
  std::condition_variable changed;
  std::vector<int64_t> latencies_ns;
  int started = 0;
};

int64_t done_count(od::db::Database& db) {
  return db.query("SELECT COUNT(*) FROM jobs WHERE status = 'done'").rows.front().integer(0);
}

void run(const std::string& label, od::db::Database& db, int jobs, int batch, int submitters) {
  db.migrate();
  db.execute("INSERT INTO users (id, email, created_at, updated_at) VALUES ('b', 'b@x', 0, 0)");
  od::jobs::HandlerRegistry handlers;
  auto probe = std::make_unique<ProbeHandler>();
  ProbeHandler& handler = *probe;
  handlers.add(std::move(probe));
  od::jobs::JobStore store(db);
  od::jobs::JobsService service(store, handlers, {.max_in_flight_per_user = 1 << 30}, nullptr,
                                nullptr);
  od::jobs::JobWorkers workers(service, {.threads = 4, .batch = batch});
  service.set_submit_listener([&workers] { workers.wake(); });
  workers.start();
  od::auth::Principal caller{"b", "user"};

  auto submit = [&](nlohmann::json input) {
    od::jobs::SubmitRequest request;
    request.type = "probe";
    request.input = std::move(input);
    request.dedupe = false;
    service.submit(caller, request);
  };

  auto start = Clock::now();
  size_t commits_before = store.combined_commits();
  // Submitted from several threads, as several API request threads would.
  std::vector<std::thread> threads;
  for (int t = 0; t < submitters; ++t) {
    threads.emplace_back([&, t] {
      for (int i = t; i < jobs; i += submitters) submit({{"i", i}});
    });
  }
  for (auto& thread : threads) thread.join();
  double submit_s = std::chrono::duration<double>(Clock::now() - start).count();
  while (done_count(db) < jobs) {
    std::unique_lock lock(handler.mutex);
    handler.changed.wait_for(lock, std::chrono::milliseconds(20));
  }
  double total_s = std::chrono::duration<double>(Clock::now() - start).count();
  // Every write on SQLite; only the inserts on PostgreSQL (its other writes commit alone).
  double commits = static_cast<double>(store.combined_commits() - commits_before);
  std::printf(
      "%s (%d submitters, 4 workers, claim batch %d): %d jobs submitted in %.2f s (%.0f/s); all "
      "done after %.2f s: %.0f jobs/s end to end; %.2f combined commits per job\n",
      label.c_str(), submitters, batch, jobs, submit_s, jobs / submit_s, total_s, jobs / total_s,
      commits / jobs);

  constexpr int kProbes = 300;
  for (int i = 0; i < kProbes; ++i) {
    int before;
    {
      std::lock_guard lock(handler.mutex);
      before = handler.started;
    }
    submit({{"t", clock_ns()}, {"probe", i}});
    std::unique_lock lock(handler.mutex);
    handler.changed.wait(lock, [&] { return handler.started > before; });
  }
  workers.stop();
  auto& l = handler.latencies_ns;
  std::sort(l.begin(), l.end());
  auto ms = [&](double q) { return l[static_cast<size_t>(q * (l.size() - 1))] / 1e6; };
  std::printf("%s: submit-to-start over %zu idle-queue jobs: p50 %.2f ms, p99 %.2f ms\n",
              label.c_str(), l.size(), ms(0.5), ms(0.99));
}

}  // namespace

int main(int argc, char** argv) {
  int jobs = argc > 1 ? std::atoi(argv[1]) : 5000;
  int batch = argc > 2 ? std::atoi(argv[2]) : 1;
  int submitters = argc > 3 ? std::max(1, std::atoi(argv[3])) : 4;
  auto dir =
      std::filesystem::temp_directory_path() / ("od-jobs-bench-" + od::crypto::random_token(6));
  std::filesystem::create_directories(dir);
  {
    auto db = od::db::Database::open("sqlite:" + (dir / "bench.db").string());
    run("sqlite", *db, jobs, batch, submitters);
  }
  std::filesystem::remove_all(dir);

  if (const char* admin_url = std::getenv("OD_TEST_POSTGRES_URL")) {
    std::string name = "od_jobs_bench_" + od::crypto::hex_encode(od::crypto::random_bytes(4));
    auto admin = od::db::Database::open(admin_url, {.pool_size = 1});
    admin->execute("CREATE DATABASE " + name);
    std::string url = admin_url;
    auto slash = url.rfind('/');
    auto query = url.find('?', slash);
    url = url.substr(0, slash + 1) + name + (query == std::string::npos ? "" : url.substr(query));
    {
      auto db = od::db::Database::open(url);
      run("postgres", *db, jobs, batch, submitters);
    }
    admin->execute("DROP DATABASE " + name);
  }
  return 0;
}
