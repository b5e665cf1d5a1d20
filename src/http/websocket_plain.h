// Private to src/http: an upgraded plain-TCP WebSocket, kept small because a collaboration server
// holds thousands of idle ones. It owns its descriptor, the session and what is in flight: no
// coroutine frame, no timer, no per-connection read buffer (it reads into a buffer shared by the
// loop's thread, keeping only an incomplete frame), no write buffer while idle. Everything but
// send() and close() runs on its WebSocketLoop's thread; those two may be called from any thread
// and go through a short mutex.
//
// Timeouts (checked by the loop's sweep): a peer silent for ping_interval gets a ping, one silent
// for twice that is dropped; after a close is started the peer has kCloseTimeout to answer it
// before the socket is cut.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>  // std::lock_guard, std::unique_lock
#include <string>
#include <string_view>
#include <vector>

#include "core/small_mutex.h"
#include "http/websocket.h"
#include "http/websocket_frame.h"

namespace od::http::detail {

class WebSocketLoop;

class PlainWebSocket : public WebSocketConnection,
                       public std::enable_shared_from_this<PlainWebSocket> {
 public:
  using Clock = std::chrono::steady_clock;

  PlainWebSocket(WebSocketLoop& loop, int fd, WebSocketOptions options,
                 std::shared_ptr<WebSocketSession> session);
  ~PlainWebSocket() override;

  bool send(std::string message) override;
  void close(std::uint16_t code, std::string reason) override;

  // The rest runs on the loop's thread.
  int fd() const { return fd_; }
  std::chrono::milliseconds ping_interval() const { return options_.ping_interval; }
  std::uint32_t slot = 0;          // its place in the loop's list
  bool watching_writable = false;  // the loop's epoll interest includes EPOLLOUT
  bool finished() const { return finished_; }
  // Opens the session and handles bytes that came with the upgrade request.
  void start(std::string_view early);
  void on_readable();
  void on_writable();
  // The sweep: pings, drops a silent peer, ends an overdue close handshake.
  void on_tick(Clock::time_point now);
  void abort_now();  // cut the socket (the peer hears no close frame)

 private:
  struct Outgoing {
    std::string header;  // frame header, or a whole control frame (then payload is empty)
    std::string payload;
  };

  // Handles what the reader found; false once the socket is finished.
  bool consume(std::string_view bytes);
  // Queues a control frame (pong, ping, close).
  void queue_control(std::string frame, bool is_close);
  void schedule_write();  // under mutex_
  void write_more();
  // Writes what writing_ holds from write_index_/write_offset_; false when the socket would block
  // or failed (then finished).
  bool flush();
  void written();  // writing_ went out whole
  void begin_closing();
  void abort();  // any thread
  void finish(std::uint16_t code);

  WebSocketLoop& loop_;
  int fd_;
  const WebSocketOptions options_;
  std::shared_ptr<WebSocketSession> session_;
  ws::FrameReader reader_;

  SmallMutex mutex_;  // guards the outgoing side, which any thread may touch
  std::vector<Outgoing> outbox_;
  std::string close_frame_;  // ours, sent once the outbox is empty
  bool closing_ = false;     // close() was called or a close frame queued: no more sends
  bool write_active_ = false;

  // Loop thread only.
  std::vector<Outgoing> writing_;
  std::uint32_t write_index_ = 0;   // the first frame of writing_ not wholly sent
  std::uint32_t write_offset_ = 0;  // bytes of it sent (header, then payload)
  bool writing_close_ = false;
  bool close_sent_ = false;
  bool close_received_ = false;
  bool failed_ = false;  // the peer broke the protocol: what follows our close frame is unreadable
  bool pinged_ = false;
  bool finished_ = false;
  std::uint16_t peer_code_ = close_code::kAbnormal;
  Clock::time_point last_heard_;
  Clock::time_point close_deadline_ = Clock::time_point::max();
};

}  // namespace od::http::detail
