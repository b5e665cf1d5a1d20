// Private to src/http: an upgraded plain-TCP WebSocket, kept small because a collaboration server
// holds thousands of idle ones. It owns only its socket, a timer, the session and what is in
// flight: no coroutine frame, no per-connection read buffer (it waits for readability, then reads
// into a buffer shared by the thread, keeping only an incomplete frame), no write buffer while
// idle. Callbacks run on the socket's strand. Sends from any thread go through a short mutex.
//
// Timeouts: a peer silent for ping_interval gets a ping, one silent for twice that is dropped;
// after a close is started the peer has kCloseTimeout to answer it before the socket is cut.
// TLS connections keep Beast's stream (websocket_stream.h).
#pragma once

#include <utility>  // Boost 1.74's asio headers miss it

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "http/websocket.h"
#include "http/websocket_frame.h"

namespace od::http::detail {

class PlainWebSocket : public WebSocketConnection,
                       public std::enable_shared_from_this<PlainWebSocket> {
 public:
  // `lease` is held until the connection is finished (the server's registry entry and gauges).
  PlainWebSocket(boost::asio::ip::tcp::socket socket, WebSocketOptions options,
                 std::shared_ptr<WebSocketSession> session, std::shared_ptr<void> lease);

  // On the socket's strand, after the 101 was written: opens the session and starts reading;
  // `early` holds bytes that arrived together with the upgrade request.
  void start(std::string_view early);

  bool send(std::string message) override;
  void close(std::uint16_t code, std::string reason) override;

 private:
  struct Outgoing {
    std::string header;  // frame header, or a whole control frame (then payload is empty)
    std::string payload;
  };

  void wait_readable();
  void on_readable(const boost::system::error_code& ec);
  // Handles what the reader found; false once the socket is finished.
  bool consume(std::string_view bytes);
  // Queues a control frame (pong, ping, close) on the strand.
  void queue_control(std::string frame, bool is_close);
  void schedule_write();  // under mutex_
  void write_more();
  void on_written(const boost::system::error_code& ec);
  void arm_timer(std::chrono::steady_clock::time_point when);
  void on_timer(const boost::system::error_code& ec);
  void begin_closing();  // strand: the peer has kCloseTimeout from now
  void abort();          // any thread: cut the socket
  void finish(std::uint16_t code);

  boost::asio::ip::tcp::socket socket_;
  boost::asio::steady_timer timer_;
  const WebSocketOptions options_;
  std::shared_ptr<WebSocketSession> session_;
  std::shared_ptr<void> lease_;
  ws::FrameReader reader_;

  std::mutex mutex_;  // guards the outgoing side, which any thread may touch
  std::vector<Outgoing> outbox_;
  std::string close_frame_;  // ours, sent once the outbox is empty
  bool closing_ = false;     // close() was called or a close frame queued: no more sends
  bool write_active_ = false;

  // Strand only.
  std::vector<Outgoing> writing_;
  bool writing_close_ = false;
  bool close_sent_ = false;
  bool close_received_ = false;
  bool failed_ = false;  // the peer broke the protocol: what follows our close frame is unreadable
  bool pinged_ = false;
  bool deadline_set_ = false;
  bool finished_ = false;
  std::uint16_t peer_code_ = close_code::kAbnormal;
  std::chrono::steady_clock::time_point last_heard_;
};

}  // namespace od::http::detail
