#include "collab/session.h"

#include <algorithm>

namespace od::collab {

namespace close_code = http::close_code;

Session::Session(Hub& hub, RoomName room, bool writable, SessionLimits limits)
    : hub_(hub),
      room_name_(std::move(room)),
      writable_(writable),
      limits_(limits),
      tokens_(limits.messages_per_second * 2),
      refilled_(std::chrono::steady_clock::now()) {}

void Session::on_open(std::shared_ptr<http::WebSocketConnection> connection) {
  connection_ = std::move(connection);
  room_ = hub_.join(room_name_, shared_from_this());
  if (!room_) connection_->close(close_code::kTryAgain, "the server is busy");
}

void Session::on_message(std::string message, bool binary) {
  if (!room_) return;
  if (!binary) {
    connection_->close(close_code::kUnsupportedData, "only binary messages are accepted");
    return;
  }
  if (!take_token()) {
    connection_->close(close_code::kPolicy, "too many messages");
    return;
  }
  if (!room_->receive(shared_from_this(), std::move(message))) {
    connection_->close(close_code::kTryAgain, "the server is busy");
  }
}

void Session::on_close(std::uint16_t) {
  if (room_) hub_.leave(room_, shared_from_this());
  room_.reset();
}

void Session::send(std::string message) { connection_->send(std::move(message)); }

void Session::close(std::uint16_t code, std::string reason) {
  connection_->close(code, std::move(reason));
}

bool Session::take_token() {
  auto now = std::chrono::steady_clock::now();
  double elapsed = std::chrono::duration<double>(now - refilled_).count();
  refilled_ = now;
  tokens_ =
      std::min(limits_.messages_per_second * 2, tokens_ + elapsed * limits_.messages_per_second);
  if (tokens_ < 1) return false;
  tokens_ -= 1;
  return true;
}

}  // namespace od::collab
