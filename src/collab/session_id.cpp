#include "collab/session_id.h"

#include "core/ids.h"

namespace od::collab {
namespace {

constexpr char kHex[] = "0123456789abcdef";

int hex_value(char c) { return c <= '9' ? c - '0' : c - 'a' + 10; }

bool is_dash_position(size_t i) { return i == 8 || i == 13 || i == 18 || i == 23; }

}  // namespace

SessionId SessionId::generate() {
  // new_id() is a canonical lowercase UUIDv7 (never all zeros: its version nibble is 7).
  std::string text = new_id();
  SessionId id;
  size_t byte = 0;
  for (size_t i = 0; i < text.size(); i += 2) {
    if (is_dash_position(i)) ++i;
    id.bytes_[byte++] = static_cast<std::uint8_t>(hex_value(text[i]) << 4 | hex_value(text[i + 1]));
  }
  return id;
}

std::string SessionId::str() const {
  std::string text;
  text.reserve(36);
  for (size_t byte = 0; byte < bytes_.size(); ++byte) {
    if (byte == 4 || byte == 6 || byte == 8 || byte == 10) text.push_back('-');
    text.push_back(kHex[bytes_[byte] >> 4]);
    text.push_back(kHex[bytes_[byte] & 0x0F]);
  }
  return text;
}

}  // namespace od::collab
