// WebSocket routes without Beast. A route registered with Router::add_websocket runs its handler
// on the worker pool (so it may check authorization against the database) with the upgrade
// request; the handler throws ApiError to refuse (answered as a normal HTTP error before any
// upgrade) or returns the session that will own the conversation. The server then owns the
// socket: it reads messages up to a size limit, writes what the session sends in order through a
// bounded queue, pings idle peers and closes dead ones, and closes every socket on drain.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "http/message.h"

namespace od::http {

// RFC 6455 close codes the server and sessions use.
namespace close_code {
constexpr std::uint16_t kNormal = 1000;
constexpr std::uint16_t kGoingAway = 1001;        // server draining
constexpr std::uint16_t kProtocolError = 1002;    // a frame breaking RFC 6455
constexpr std::uint16_t kUnsupportedData = 1003;  // e.g. a text frame where binary is expected
constexpr std::uint16_t kAbnormal = 1006;         // never sent: the peer vanished without a close
constexpr std::uint16_t kInvalidData = 1007;      // malformed payload
constexpr std::uint16_t kPolicy = 1008;           // rate limit, slow consumer, forbidden
constexpr std::uint16_t kTooBig = 1009;
constexpr std::uint16_t kInternal = 1011;
constexpr std::uint16_t kTryAgain = 1013;  // server overloaded
}  // namespace close_code

struct WebSocketOptions {
  size_t max_message_bytes = 1 << 20;  // a larger message closes the socket with 1009
  size_t max_queued_messages = 1024;   // outgoing backlog; a client that falls further behind
                                       // is closed (1008) rather than buffered without end
  // Idle this long: ping; silent twice as long: closed. Milliseconds so tests can run the timeouts
  // in a fraction of a second.
  std::chrono::milliseconds ping_interval{30'000};
};

// The server's side of an open connection, handed to the session. Thread-safe: call from any
// thread; messages go out in the order send() was called.
class WebSocketConnection {
 public:
  virtual ~WebSocketConnection() = default;
  // Queues one binary message. False when the connection is closing or closed, or when the
  // backlog is full (the connection is then closed with 1008).
  virtual bool send(std::string message) = 0;
  // Sends what is queued, then a close frame with `code`; later sends are refused.
  virtual void close(std::uint16_t code, std::string reason) = 0;
};

// What a route's handler returns to accept the upgrade. Callbacks run on the connection's
// network strand, one at a time: keep them short and move real work to a pool.
class WebSocketSession {
 public:
  virtual ~WebSocketSession() = default;
  // Once, after the handshake, before any message.
  virtual void on_open(std::shared_ptr<WebSocketConnection> connection) = 0;
  virtual void on_message(std::string message, bool binary) = 0;
  // Once, when the connection is gone (for whatever reason); `code` is the peer's close code, or
  // 1006 when there was none.
  virtual void on_close(std::uint16_t code) = 0;
};

using WebSocketHandler = std::function<std::shared_ptr<WebSocketSession>(Request&)>;

// Carried by the Response of an upgrade route (see Router::add_websocket).
struct WebSocketUpgrade {
  std::shared_ptr<WebSocketSession> session;
  WebSocketOptions options;
};

// True when `request` asks for a WebSocket upgrade (GET with Upgrade: websocket, Connection:
// upgrade and a Sec-WebSocket-Key).
bool is_websocket_upgrade(const Request& request);

}  // namespace od::http
