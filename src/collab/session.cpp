#include "collab/session.h"

#include <algorithm>

#include "core/error.h"
#include "core/log.h"
#include "engines/yjs/error.h"
#include "engines/yjs/sync_protocol.h"

namespace od::collab {

namespace close_code = http::close_code;

Session::Session(Hub& hub, RoomName room, std::optional<Access> access, Authorizer authorize,
                 SessionLimits limits, bool notices)
    : hub_(hub),
      state_(access ? State::kOpen : State::kAwaitingAuth),
      notices_(notices),
      joining_(std::make_unique<Joining>(Joining{std::move(room),
                                                 std::move(authorize),
                                                 limits.auth_timeout,
                                                 limits.max_held_messages,
                                                 {}})),
      access_(access.value_or(Access{})),
      messages_per_second_(limits.messages_per_second),
      tokens_(limits.messages_per_second * 2),
      refilled_(std::chrono::steady_clock::now()) {}

void Session::on_open(std::shared_ptr<http::WebSocketConnection> connection) {
  connection_ = std::move(connection);
  std::lock_guard lock(mutex_);
  if (state_ == State::kOpen) {
    join_room();
    joining_.reset();
    return;
  }
  hub_.timer().after(joining_->auth_timeout, [weak = weak_from_this()] {
    auto self = weak.lock();
    if (!self) return;
    std::lock_guard lock(self->mutex_);
    if (self->state_ == State::kAwaitingAuth || self->state_ == State::kAuthorizing) {
      self->state_ = State::kClosed;
      self->connection_->close(room_close::kUnauthorized, "authentication timed out");
    }
  });
}

void Session::join_room() {
  if (!hub_.claim_user_slot(access_.user_id)) {
    state_ = State::kClosed;
    connection_->close(close_code::kPolicy, "too many documents open");
    return;
  }
  holds_slot_ = true;
  room_ = hub_.join(joining_->room, shared_from_this());
  if (!room_) {
    state_ = State::kClosed;
    connection_->close(close_code::kTryAgain, "the server is busy");
  }
}

void Session::on_message(std::string message, bool binary) {
  std::lock_guard lock(mutex_);
  if (state_ == State::kClosed) return;
  if (!binary) {
    state_ = State::kClosed;
    connection_->close(close_code::kUnsupportedData, "only binary messages are accepted");
    return;
  }
  if (!take_token()) {
    state_ = State::kClosed;
    connection_->close(close_code::kPolicy, "too many messages");
    return;
  }
  switch (state_) {
    case State::kOpen:
      if (room_ && !room_->receive(shared_from_this(), std::move(message))) {
        connection_->close(close_code::kTryAgain, "the server is busy");
      }
      return;
    case State::kAwaitingAuth:
      start_auth(message);
      return;
    case State::kAuthorizing:
      if (joining_->held.size() >= joining_->max_held_messages) {
        state_ = State::kClosed;
        connection_->close(close_code::kPolicy, "too many messages before authentication");
        return;
      }
      joining_->held.push_back(std::move(message));
      return;
    case State::kClosed:
      return;
  }
}

void Session::start_auth(const std::string& frame) {
  std::string token;
  try {
    auto message =
        yjs::decode_message({reinterpret_cast<const std::uint8_t*>(frame.data()), frame.size()});
    if (message.type == yjs::MessageType::kAuth && message.auth_type == yjs::AuthType::kToken) {
      token.assign(message.payload.begin(), message.payload.end());
    }
  } catch (const yjs::DecodeError&) {
  }
  if (token.empty()) {
    state_ = State::kClosed;
    connection_->close(room_close::kUnauthorized,
                       "authentication required: send the auth message first");
    return;
  }
  state_ = State::kAuthorizing;
  // The check runs outside the lock, so it takes the authorizer along rather than reading it here.
  if (!hub_.run([self = shared_from_this(), authorize = std::move(joining_->authorize), token] {
        self->finish_auth(authorize, token);
      })) {
    state_ = State::kClosed;
    connection_->close(close_code::kTryAgain, "the server is busy");
  }
}

void Session::finish_auth(const Authorizer& authorize, const std::string& token) {
  std::optional<Access> granted;
  std::uint16_t refusal = room_close::kUnauthorized;
  std::string reason = "the access token is invalid or expired";
  try {
    granted = authorize(token);
  } catch (const ApiError& e) {
    if (e.status() == 404 || e.status() == 403) {
      refusal = e.status() == 404 ? room_close::kNotFound : room_close::kForbidden;
      reason = "no such document";
    }
  } catch (const std::exception& e) {
    log::error("collab authorisation failed", {{"error", e.what()}});
    refusal = close_code::kInternal;
    reason = "authorisation failed";
  }
  std::lock_guard lock(mutex_);
  if (state_ != State::kAuthorizing) return;  // closed or timed out meanwhile
  if (!granted) {
    state_ = State::kClosed;
    connection_->close(refusal, reason);
    return;
  }
  access_ = std::move(*granted);
  state_ = State::kOpen;
  join_room();
  for (auto& message : joining_->held) {
    if (!room_) break;
    if (!room_->receive(shared_from_this(), std::move(message))) {
      connection_->close(close_code::kTryAgain, "the server is busy");
      break;
    }
  }
  joining_.reset();
}

void Session::on_close(std::uint16_t) {
  std::lock_guard lock(mutex_);
  state_ = State::kClosed;
  joining_.reset();
  if (room_) hub_.leave(room_, shared_from_this());
  room_.reset();
  if (holds_slot_) hub_.release_user_slot(access_.user_id);
  holds_slot_ = false;
}

void Session::send(std::string message) { connection_->send(std::move(message)); }

void Session::close(std::uint16_t code, std::string reason) {
  connection_->close(code, std::move(reason));
}

bool Session::take_token() {
  auto now = std::chrono::steady_clock::now();
  double elapsed = std::chrono::duration<double>(now - refilled_).count();
  refilled_ = now;
  tokens_ = std::min(messages_per_second_ * 2, tokens_ + elapsed * messages_per_second_);
  if (tokens_ < 1) return false;
  tokens_ -= 1;
  return true;
}

}  // namespace od::collab
