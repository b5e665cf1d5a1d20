#include "http/websocket_handshake.h"

#include <openssl/sha.h>

#include <cctype>

#include "core/crypto.h"

namespace od::http::ws {
namespace {

constexpr std::string_view kGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

bool is_base64_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
         c == '/';
}

bool has_line_break(std::string_view s) {
  return s.find_first_of("\r\n") != std::string_view::npos;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

// A 101 has no body and its own Upgrade/Connection: the route's versions would contradict it.
bool reserved(std::string_view name) {
  for (std::string_view r :
       {"Content-Length", "Transfer-Encoding", "Upgrade", "Connection", "Sec-WebSocket-Accept"}) {
    if (iequals(name, r)) return true;
  }
  return false;
}

}  // namespace

std::optional<std::string> accept_key(std::string_view client_key) {
  // 16 bytes in base64: 22 characters and "==" (the last one holds only 2 bits: A, Q, g or w).
  if (client_key.size() != 24 || client_key.substr(22) != "==") return std::nullopt;
  for (size_t i = 0; i < 22; ++i) {
    if (!is_base64_char(client_key[i])) return std::nullopt;
  }
  if (std::string_view("AQgw").find(client_key[21]) == std::string_view::npos) return std::nullopt;
  std::string input(client_key);
  input.append(kGuid);
  unsigned char digest[SHA_DIGEST_LENGTH];
  SHA1(reinterpret_cast<const unsigned char*>(input.data()), input.size(), digest);
  return crypto::base64_encode(
      std::string_view(reinterpret_cast<const char*>(digest), SHA_DIGEST_LENGTH));
}

std::string switching_protocols(const std::string& accept, const Headers& extra) {
  std::string out =
      "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
      "Sec-WebSocket-Accept: " +
      accept + "\r\n";
  for (const auto& [name, value] : extra.all()) {
    if (name.empty() || has_line_break(name) || has_line_break(value) || reserved(name)) continue;
    out += name + ": " + value + "\r\n";
  }
  out += "\r\n";
  return out;
}

}  // namespace od::http::ws
