// The server's half of the WebSocket opening handshake (RFC 6455 4.2) for the plain-TCP path,
// which answers the upgrade itself instead of through Beast: checks the client's key and version
// and writes the 101 response.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "http/message.h"

namespace od::http::ws {

// Sec-WebSocket-Accept for the client's Sec-WebSocket-Key, or nothing when the key is not the
// base64 of 16 bytes.
std::optional<std::string> accept_key(std::string_view client_key);

// The whole "101 Switching Protocols" response, with `extra` headers (those with a line break in
// a name or value are left out: they could forge headers).
std::string switching_protocols(const std::string& accept, const Headers& extra);

}  // namespace od::http::ws
