#include "jobs/pg_wakeup.h"

#include <libpq-fe.h>
#include <poll.h>
#include <unistd.h>

#include <memory>
#include <stdexcept>

#include "core/log.h"

namespace od::jobs {
namespace {

struct FinishConn {
  void operator()(PGconn* conn) const { PQfinish(conn); }
};
using Connection = std::unique_ptr<PGconn, FinishConn>;

struct ClearResult {
  void operator()(PGresult* result) const { PQclear(result); }
};

// A connection listening on the jobs channel, or null (logged) when that failed.
Connection listen(const std::string& url) {
  Connection conn(PQconnectdb(url.c_str()));
  if (!conn || PQstatus(conn.get()) != CONNECTION_OK) {
    log::warn("job wake-up: cannot connect", {{"error", conn ? PQerrorMessage(conn.get()) : ""}});
    return nullptr;
  }
  std::unique_ptr<PGresult, ClearResult> result(
      PQexec(conn.get(), (std::string("LISTEN ") + kJobsChannel).c_str()));
  if (PQresultStatus(result.get()) != PGRES_COMMAND_OK) {
    log::warn("job wake-up: LISTEN failed", {{"error", PQerrorMessage(conn.get())}});
    return nullptr;
  }
  return conn;
}

}  // namespace

PgWakeup::PgWakeup(std::string url, std::function<void()> on_notify)
    : url_(std::move(url)), on_notify_(std::move(on_notify)) {
  if (::pipe(stop_pipe_) != 0) throw std::runtime_error("job wake-up: pipe() failed");
}

PgWakeup::~PgWakeup() {
  stop();
  ::close(stop_pipe_[0]);
  ::close(stop_pipe_[1]);
}

void PgWakeup::start() {
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { loop(); });
}

void PgWakeup::stop() {
  if (!thread_.joinable()) return;
  stopping_ = true;
  char byte = 1;
  // The pipe only wakes poll(); a full pipe already has a wake-up pending.
  [[maybe_unused]] auto written = ::write(stop_pipe_[1], &byte, 1);
  thread_.join();
}

bool PgWakeup::wait(int fd, int timeout_ms) {
  pollfd fds[2] = {{stop_pipe_[0], POLLIN, 0}, {fd, POLLIN, 0}};
  ::poll(fds, fd >= 0 ? 2 : 1, timeout_ms);
  return !stopping_;
}

void PgWakeup::loop() {
  while (!stopping_) {
    Connection conn = listen(url_);
    if (!conn) {
      if (!wait(-1, 1000)) return;
      continue;
    }
    // Notifications sent while no one listened were missed: let the workers look once.
    on_notify_();
    while (wait(PQsocket(conn.get()), -1)) {
      if (!PQconsumeInput(conn.get())) {
        log::warn("job wake-up: connection lost", {{"error", PQerrorMessage(conn.get())}});
        break;
      }
      bool notified = false;
      while (PGnotify* notify = PQnotifies(conn.get())) {
        PQfreemem(notify);
        notified = true;
      }
      if (notified) on_notify_();
    }
  }
}

}  // namespace od::jobs
