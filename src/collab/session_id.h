// The id of a connection's collab_sessions row, held as the 16 bytes of its UUID rather than as
// its 36-character text: a room keeps one per connection for as long as the connection lasts.
#pragma once

#include <array>
#include <cstdint>
#include <string>

namespace od::collab {

class SessionId {
 public:
  SessionId() = default;  // none: the row could not be stored
  static SessionId generate();

  bool empty() const { return bytes_ == std::array<std::uint8_t, 16>{}; }
  std::string str() const;  // the canonical UUID text stored in collab_sessions.id

 private:
  std::array<std::uint8_t, 16> bytes_{};
};

}  // namespace od::collab
