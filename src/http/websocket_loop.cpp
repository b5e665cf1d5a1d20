#include "http/websocket_loop.h"

#include <fcntl.h>
#include <malloc.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <system_error>

#include "core/log.h"
#include "http/websocket_plain.h"

namespace od::http::detail {
namespace {

using Clock = std::chrono::steady_clock;
constexpr std::chrono::milliseconds kMinTick{10};
constexpr std::chrono::milliseconds kMaxTick{1000};
constexpr int kEventsPerWait = 256;
// Connections opened in a burst before the loop hands malloc's free memory back (see sweep()).
constexpr size_t kTrimAfterAdoptions = 256;

}  // namespace

WebSocketLoop::WebSocketLoop(std::atomic<size_t>& connections, std::atomic<size_t>& websockets)
    : connections_gauge_(connections), websockets_gauge_(websockets) {
  epoll_ = ::epoll_create1(EPOLL_CLOEXEC);
  wake_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  epoll_event event{};
  event.events = EPOLLIN;
  event.data.ptr = nullptr;  // the wakeup, told apart from connections by its null pointer
  if (epoll_ < 0 || wake_ < 0 || ::epoll_ctl(epoll_, EPOLL_CTL_ADD, wake_, &event) != 0) {
    std::error_code error(errno, std::system_category());
    if (epoll_ >= 0) ::close(epoll_);
    if (wake_ >= 0) ::close(wake_);
    throw std::system_error(error, "cannot set up the WebSocket event loop");
  }
}

WebSocketLoop::~WebSocketLoop() {
  stop();
  ::close(epoll_);
  ::close(wake_);
}

void WebSocketLoop::start() {
  thread_ = std::thread([this] { run(); });
}

void WebSocketLoop::stop() {
  {
    std::lock_guard lock(mutex_);
    quit_ = true;
  }
  std::uint64_t one = 1;
  [[maybe_unused]] auto ignored = ::write(wake_, &one, sizeof one);
  if (thread_.joinable()) thread_.join();
}

std::shared_ptr<WebSocketConnection> WebSocketLoop::adopt(int fd, WebSocketOptions options,
                                                          std::shared_ptr<WebSocketSession> session,
                                                          std::string early) {
  ++connections_gauge_;
  ++websockets_gauge_;
  int flags = ::fcntl(fd, F_GETFL);
  if (flags >= 0) ::fcntl(fd, F_SETFL, flags | O_NONBLOCK);  // a read must never block the loop
  auto connection = std::make_shared<PlainWebSocket>(*this, fd, options, std::move(session));
  post([this, connection, early = std::move(early)] {
    auto tick = std::clamp(
        std::chrono::duration_cast<std::chrono::milliseconds>(connection->ping_interval() / 4),
        kMinTick, kMaxTick);
    if (tick < tick_) {
      tick_ = tick;
      next_sweep_ = std::min(next_sweep_, Clock::now() + tick_);
    }
    ++adopted_since_trim_;
    adopted_this_tick_ = true;
    connection->slot = static_cast<std::uint32_t>(open_.size());
    open_.push_back(connection);
    epoll_event event{};
    event.events = EPOLLIN | EPOLLRDHUP;
    event.data.ptr = connection.get();
    if (::epoll_ctl(epoll_, EPOLL_CTL_ADD, connection->fd(), &event) != 0) {
      log::warn("websocket: cannot watch a socket", {{"error", std::strerror(errno)}});
      connection->abort_now();
      return;
    }
    connection->start(early);
  });
  return connection;
}

void WebSocketLoop::close_all(std::uint16_t code, const std::string& reason) {
  post([this, code, reason] {
    for (const auto& connection : open_) connection->close(code, reason);
  });
}

void WebSocketLoop::abort_all() {
  post([this] {
    for (const auto& connection : open_) connection->abort_now();
  });
}

void WebSocketLoop::post(std::function<void()> task) {
  bool wake;
  {
    std::lock_guard lock(mutex_);
    wake = tasks_.empty();
    tasks_.push_back(std::move(task));
  }
  if (wake) {
    std::uint64_t one = 1;
    [[maybe_unused]] auto ignored = ::write(wake_, &one, sizeof one);
  }
}

void WebSocketLoop::watch_writable(PlainWebSocket& connection, bool on) {
  if (connection.watching_writable == on) return;
  connection.watching_writable = on;
  epoll_event event{};
  event.events = EPOLLIN | EPOLLRDHUP | (on ? EPOLLOUT : 0u);
  event.data.ptr = &connection;
  ::epoll_ctl(epoll_, EPOLL_CTL_MOD, connection.fd(), &event);
}

void WebSocketLoop::retire(PlainWebSocket& connection) {
  ::epoll_ctl(epoll_, EPOLL_CTL_DEL, connection.fd(), nullptr);
  retired_.push_back(&connection);
  --websockets_gauge_;
  --connections_gauge_;
}

void WebSocketLoop::run() {
  std::array<epoll_event, kEventsPerWait> events;
  next_sweep_ = Clock::now() + tick_;
  bool quit = false;
  while (!quit) {
    auto wait = std::chrono::ceil<std::chrono::milliseconds>(next_sweep_ - Clock::now());
    int ready = ::epoll_wait(epoll_, events.data(), kEventsPerWait,
                             static_cast<int>(std::max<std::int64_t>(0, wait.count())));
    if (ready < 0 && errno != EINTR) {
      log::error("websocket: epoll_wait failed", {{"error", std::strerror(errno)}});
      break;
    }
    for (int i = 0; i < ready; ++i) {
      auto* connection = static_cast<PlainWebSocket*>(events[i].data.ptr);
      if (connection == nullptr) {
        std::uint64_t count;
        [[maybe_unused]] auto ignored = ::read(wake_, &count, sizeof count);
        continue;
      }
      // A connection finished earlier in this turn is still alive (buried below) but done.
      if (connection->finished()) continue;
      if (events[i].events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) {
        connection->on_readable();
      }
      if ((events[i].events & EPOLLOUT) && !connection->finished()) connection->on_writable();
    }
    run_tasks();
    if (Clock::now() >= next_sweep_) sweep();
    bury();
    std::lock_guard lock(mutex_);
    quit = quit_;
  }
  // Stopping: what was posted still runs (adoptions included), then whatever is open is cut, so
  // every session hears its on_close before the server goes.
  run_tasks();
  for (const auto& connection : open_) connection->abort_now();
  run_tasks();
  bury();
}

void WebSocketLoop::run_tasks() {
  std::vector<std::function<void()>> tasks;
  {
    std::lock_guard lock(mutex_);
    tasks.swap(tasks_);
  }
  for (auto& task : tasks) task();
}

void WebSocketLoop::sweep() {
  const auto now = Clock::now();
  // Index-based: a connection finished here is only marked (bury() removes it), so the list
  // does not change under the loop.
  for (size_t i = 0; i < open_.size(); ++i) open_[i]->on_tick(now);
  next_sweep_ = now + tick_;
  // Each upgrade passes through the HTTP session's coroutine frames and buffers (~10 KB), freed
  // once the socket is here. After a burst of connections (clients reconnecting after a deploy or
  // a network blip) malloc keeps those pages in its free lists, resident: about 1 MB after 4,000
  // connections opened 128 at a time. Once a whole tick passes without a new connection, give
  // them back to the kernel (about 4 ms at 4,000 connections, once per burst).
  if (adopted_since_trim_ >= kTrimAfterAdoptions && !adopted_this_tick_) {
    const auto began = Clock::now();
    ::malloc_trim(0);
    log::debug("websocket: malloc_trim after a burst of connections",
               {{"connections", adopted_since_trim_},
                {"ms", std::chrono::duration<double, std::milli>(Clock::now() - began).count()}});
    adopted_since_trim_ = 0;
  }
  adopted_this_tick_ = false;
}

void WebSocketLoop::bury() {
  for (PlainWebSocket* connection : retired_) {
    const std::uint32_t slot = connection->slot;
    std::shared_ptr<PlainWebSocket> gone = std::move(open_[slot]);
    if (slot + 1 != open_.size()) {
      open_[slot] = std::move(open_.back());
      open_[slot]->slot = slot;
    }
    open_.pop_back();
  }  // `gone` may have held the last reference
  retired_.clear();
}

}  // namespace od::http::detail
