// One y-websocket connection: the bridge between the HTTP layer's WebSocket and a Room. It checks
// what can be checked on the network thread without blocking (binary frames only, a per-connection
// message rate) and hands every frame to the room's queue.
//
// A connection opened without a token must authenticate with its first message, an auth message
// `varUint(2) varUint(1) varString(accessToken)` (y-protocols' auth message type with a token
// sub-type). Until it is checked (on the worker pool: it reads the project's members) no other
// message is processed; the ones that follow it are held, in order, up to a bound. No auth
// message in time, or anything else first, closes the socket with 4401.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "collab/hub.h"
#include "collab/peer.h"
#include "collab/room_name.h"
#include "core/small_mutex.h"
#include "http/websocket.h"

namespace od::collab {

struct SessionLimits {
  double messages_per_second = 200;       // sustained; bursts up to twice that are fine
  std::chrono::seconds auth_timeout{10};  // to send the auth message when the URL had no token
  size_t max_held_messages = 64;          // held while the auth message is checked
};

// Who may do what in a room: decided when the connection opens (token in the URL) or when its
// auth message arrives.
struct Access {
  std::string user_id;
  bool writable = false;
};
// Checks a token for the room; throws ApiError (401 bad token, 404 not visible) to refuse.
using Authorizer = std::function<Access(const std::string& token)>;

class Session : public http::WebSocketSession,
                public Peer,
                public std::enable_shared_from_this<Session> {
 public:
  // With `access` the connection is authorised already; without, `authorize` checks the token of
  // its first message.
  Session(Hub& hub, RoomName room, std::optional<Access> access, Authorizer authorize,
          SessionLimits limits, bool notices);

  void on_open(std::shared_ptr<http::WebSocketConnection> connection) override;
  void on_message(std::string message, bool binary) override;
  void on_close(std::uint16_t code) override;

  void send(std::string message) override;
  void close(std::uint16_t code, std::string reason) override;
  bool writable() const override { return access_.writable; }
  const std::string& user_id() const override { return access_.user_id; }
  bool wants_notices() const override { return notices_; }

 private:
  enum class State : std::uint8_t { kAwaitingAuth, kAuthorizing, kOpen, kClosed };

  // What a connection needs only until it is in its room; freed once it is (an open connection
  // keeps just what it uses, since a server holds tens of thousands of them).
  struct Joining {
    RoomName room;
    Authorizer authorize;  // null when the connection opened authorised
    std::chrono::seconds auth_timeout;
    size_t max_held_messages;
    std::vector<std::string> held;  // a vector: an empty deque costs ~600 bytes
  };

  bool take_token();
  void start_auth(const std::string& frame);
  void finish_auth(const Authorizer& authorize, const std::string& token);
  void join_room();

  Hub& hub_;
  // Set in on_open, before the room can call send(); read-only afterwards.
  std::shared_ptr<http::WebSocketConnection> connection_;
  SmallMutex mutex_;  // the network strand and the authorising worker both move the state
  State state_;
  const bool notices_;
  bool holds_slot_ = false;           // counted in the hub's per-user bound
  std::unique_ptr<Joining> joining_;  // under mutex_; null once joined or closed
  Access access_;                     // written before the room is joined, read-only afterwards
  std::shared_ptr<Room> room_;
  const double messages_per_second_;
  double tokens_;
  std::chrono::steady_clock::time_point refilled_;
};

}  // namespace od::collab
