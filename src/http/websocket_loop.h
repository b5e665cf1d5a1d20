// Private to src/http: the event loop that drives upgraded plain-TCP WebSockets, one thread on
// epoll. A collaboration server holds tens of thousands of mostly idle sockets; under Asio each
// one carried a socket object, its reactor state, a strand, a timer, two pending operations and
// a registry entry (about 2 KB). Here a connection is its descriptor in the epoll set and one
// PlainWebSocket, and a single periodic sweep does every connection's pings and timeouts.
//
// Everything about a connection (reads, writes, the session's callbacks, timeouts) runs on the
// loop's thread; other threads reach it through post(), which wakes the loop with an eventfd.
// TLS connections keep Beast's stream on the Asio threads (websocket_stream.h).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "http/websocket.h"

namespace od::http::detail {

class PlainWebSocket;

class WebSocketLoop {
 public:
  // `connections` and `websockets` are the server's gauges: one of each per adopted socket until
  // it is finished (they must outlive the loop).
  WebSocketLoop(std::atomic<size_t>& connections, std::atomic<size_t>& websockets);
  ~WebSocketLoop();  // stop()
  WebSocketLoop(const WebSocketLoop&) = delete;
  WebSocketLoop& operator=(const WebSocketLoop&) = delete;

  void start();
  // Cuts whatever is still open (each session hears on_close), then joins the thread.
  void stop();

  // Any thread: takes over `fd` (a connected socket whose 101 has been written). `early` holds
  // bytes that arrived behind the upgrade request. Counted in the gauges from this call on.
  std::shared_ptr<WebSocketConnection> adopt(int fd, WebSocketOptions options,
                                             std::shared_ptr<WebSocketSession> session,
                                             std::string early);
  // Any thread: a close handshake with every connection (drain), or cut them at once.
  void close_all(std::uint16_t code, const std::string& reason);
  void abort_all();

  // For PlainWebSocket. post: any thread, runs `task` on the loop's thread, in order.
  void post(std::function<void()> task);
  // Loop thread: epoll interest in writability (a write that would block waits for it).
  void watch_writable(PlainWebSocket& connection, bool on);
  // Loop thread: the connection is finished; it leaves the epoll set now and the loop's list
  // (which may hold its last reference) at the end of this turn.
  void retire(PlainWebSocket& connection);

 private:
  void run();
  void run_tasks();
  void sweep();
  void bury();

  std::atomic<size_t>& connections_gauge_;
  std::atomic<size_t>& websockets_gauge_;
  int epoll_ = -1;
  int wake_ = -1;  // eventfd
  std::thread thread_;

  std::mutex mutex_;  // guards tasks_ and quit_
  std::vector<std::function<void()>> tasks_;
  bool quit_ = false;

  // Loop thread only. Each connection knows its slot here, so removal is a swap.
  std::vector<std::shared_ptr<PlainWebSocket>> open_;
  std::vector<PlainWebSocket*> retired_;
  // How often the sweep runs: a quarter of the shortest ping interval seen, at most a second.
  std::chrono::milliseconds tick_{1000};
  std::chrono::steady_clock::time_point next_sweep_;
  size_t adopted_since_trim_ = 0;  // see sweep()
  bool adopted_this_tick_ = false;
};

}  // namespace od::http::detail
