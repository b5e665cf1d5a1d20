// One y-websocket connection: the bridge between the HTTP layer's WebSocket and a Room. It checks
// what can be checked on the network thread without blocking (binary frames only, a per-connection
// message rate) and hands every frame to the room's queue.
#pragma once

#include <chrono>
#include <memory>

#include "collab/hub.h"
#include "collab/peer.h"
#include "collab/room_name.h"
#include "http/websocket.h"

namespace od::collab {

struct SessionLimits {
  double messages_per_second = 200;  // sustained; bursts up to twice that are fine
};

class Session : public http::WebSocketSession,
                public Peer,
                public std::enable_shared_from_this<Session> {
 public:
  Session(Hub& hub, RoomName room, bool writable, SessionLimits limits);

  void on_open(std::shared_ptr<http::WebSocketConnection> connection) override;
  void on_message(std::string message, bool binary) override;
  void on_close(std::uint16_t code) override;

  void send(std::string message) override;
  void close(std::uint16_t code, std::string reason) override;
  bool writable() const override { return writable_; }

 private:
  bool take_token();

  Hub& hub_;
  const RoomName room_name_;
  const bool writable_;
  const SessionLimits limits_;
  // Set in on_open, before the room can call send(); read-only afterwards.
  std::shared_ptr<http::WebSocketConnection> connection_;
  std::shared_ptr<Room> room_;  // on the network strand only
  double tokens_;
  std::chrono::steady_clock::time_point refilled_;
};

}  // namespace od::collab
