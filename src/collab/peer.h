// A room member as the room sees it: somewhere to send messages, a way to close it, who it is
// and whether it may change the document. The WebSocket session implements it; tests use fakes.
#pragma once

#include <cstdint>
#include <string>

namespace od::collab {

class Peer {
 public:
  virtual ~Peer() = default;
  // Both are thread-safe and never block (they queue on the connection).
  virtual void send(std::string message) = 0;
  virtual void close(std::uint16_t code, std::string reason) = 0;
  // Editors and owners; viewers only read.
  virtual bool writable() const = 0;
  // The signed-in user (collab_sessions).
  virtual const std::string& user_id() const = 0;
  // Whether it asked for notice messages (comment changes), which plain y-websocket clients
  // do not understand.
  virtual bool wants_notices() const = 0;
};

}  // namespace od::collab
