#include "collab/session_id.h"

namespace od::collab {

SessionId SessionId::generate() {
  SessionId id;
  id.bytes_ = new_id_bytes();  // a UUIDv7: never all zeros, its version nibble is 7
  return id;
}

std::string SessionId::str() const { return id_text(bytes_); }

}  // namespace od::collab
