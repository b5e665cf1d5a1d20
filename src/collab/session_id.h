// The id of a connection's collab_sessions row, held as the 16 bytes of its UUID rather than as
// its 36-character text: a room keeps one per connection for as long as the connection lasts.
#pragma once

#include <string>

#include "core/ids.h"

namespace od::collab {

class SessionId {
 public:
  SessionId() = default;  // none: the row could not be stored
  static SessionId generate();

  bool empty() const { return bytes_ == IdBytes{}; }
  std::string str() const;  // the canonical UUID text stored in collab_sessions.id

 private:
  IdBytes bytes_{};
};

}  // namespace od::collab
