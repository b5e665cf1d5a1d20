// RFC 6455 framing for the server's side of a plain-TCP WebSocket, without Asio: a reader that
// turns the bytes a client sends into messages and control frames (enforcing masking, the
// fragmentation rules, control-frame limits, close codes, UTF-8 of text and close reasons, and the
// message size limit before the payload is even read), and the encoders of the frames the server
// sends (never masked). Being free of I/O it can be fed hostile bytes in unit tests.
//
// Memory matters here (thousands of idle connections): the reader keeps only the bytes of an
// incomplete frame and of an incomplete fragmented message, and holds no allocation while idle.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace od::http::ws {

enum class Opcode : std::uint8_t {
  kContinuation = 0,
  kText = 1,
  kBinary = 2,
  kClose = 8,
  kPing = 9,
  kPong = 10
};

// A close frame without a status code (RFC 6455 7.4.1: 1005 is never sent on the wire).
constexpr std::uint16_t kNoStatus = 1005;

struct FrameEvent {
  enum class Kind { kMessage, kPing, kPong, kClose, kError };
  Kind kind;
  bool binary = false;  // kMessage: binary or text
  std::string payload;  // message, ping/pong data, or close reason
  // kClose: the peer's code (kNoStatus when it sent none); kError: the code to close with.
  std::uint16_t code = 0;
};

class FrameReader {
 public:
  explicit FrameReader(size_t max_message_bytes) : max_message_bytes_(max_message_bytes) {}

  // Parses `bytes` (what the socket just gave) after whatever was kept from earlier reads, and
  // appends every complete message and control frame to `out`. After a kClose or kError event
  // the reader ignores further input.
  void feed(std::string_view bytes, std::vector<FrameEvent>& out);

  // Bytes held for an incomplete frame or message (memory accounting and tests).
  size_t held_bytes() const {
    return held_ ? sizeof(Held) + heap_bytes(held_->partial) + heap_bytes(held_->message) : 0;
  }

 private:
  static size_t heap_bytes(const std::string& s) {
    return s.capacity() > std::string().capacity() ? s.capacity() : 0;  // beyond the inline bytes
  }
  // Parses one frame from the front of `in`; returns the bytes it used, 0 when incomplete.
  size_t parse_one(std::string_view in, std::vector<FrameEvent>& out);
  void fail(std::uint16_t code, std::string reason, std::vector<FrameEvent>& out);

  const size_t max_message_bytes_;
  // Allocated only while something is incomplete, so an idle reader is a pointer.
  struct Held {
    std::string partial;  // an incomplete frame
    std::string message;  // the fragments of an unfinished message
  };
  Held& held();
  std::unique_ptr<Held> held_;
  bool in_message_ = false;
  bool message_binary_ = false;
  bool done_ = false;  // a close frame or an error ended the stream
};

// True for codes an endpoint may put in a close frame (RFC 6455 7.4).
bool valid_close_code(std::uint16_t code);

// The header of an unmasked server frame with FIN set.
std::string frame_header(Opcode opcode, size_t payload_bytes);
// A whole control frame (payload at most 125 bytes; longer is cut).
std::string control_frame(Opcode opcode, std::string_view payload);
// A close frame with `code` (none for kNoStatus) and `reason` (cut to fit, on a UTF-8 boundary).
std::string close_frame(std::uint16_t code, std::string_view reason);

}  // namespace od::http::ws
