#include "http/websocket_frame.h"

#include "core/utf8.h"
#include "http/websocket.h"

namespace od::http::ws {
namespace {

constexpr size_t kMaxControlPayload = 125;

std::uint64_t read_be(std::string_view s, size_t offset, size_t bytes) {
  std::uint64_t v = 0;
  for (size_t i = 0; i < bytes; ++i) v = (v << 8) | static_cast<unsigned char>(s[offset + i]);
  return v;
}

bool known_opcode(std::uint8_t op) { return op <= 2 || (op >= 8 && op <= 10); }

}  // namespace

void FrameReader::feed(std::string_view bytes, std::vector<FrameEvent>& out) {
  if (done_) return;
  // Parse straight from the caller's bytes when nothing is kept: the common case copies nothing.
  std::string_view in = bytes;
  if (held_ && !held_->partial.empty()) {
    held_->partial.append(bytes);
    in = held_->partial;
  }
  size_t pos = 0;
  while (!done_ && pos < in.size()) {
    size_t used = parse_one(in.substr(pos), out);
    if (used == 0) break;
    pos += used;
  }
  if (done_) {
    held_.reset();
    return;
  }
  if (held_ && !held_->partial.empty()) {
    held_->partial.erase(0, pos);
  } else if (pos < in.size()) {
    held().partial.assign(in.substr(pos));
  }
  // An idle connection holds no buffer.
  if (held_ && held_->partial.empty()) {
    if (held_->message.empty()) {
      held_.reset();
    } else {
      std::string().swap(held_->partial);
    }
  }
}

FrameReader::Held& FrameReader::held() {
  if (!held_) held_ = std::make_unique<Held>();
  return *held_;
}

void FrameReader::fail(std::uint16_t code, std::string reason, std::vector<FrameEvent>& out) {
  done_ = true;
  out.push_back({FrameEvent::Kind::kError, false, std::move(reason), code});
}

size_t FrameReader::parse_one(std::string_view in, std::vector<FrameEvent>& out) {
  if (in.size() < 2) return 0;
  const auto b0 = static_cast<std::uint8_t>(in[0]);
  const auto b1 = static_cast<std::uint8_t>(in[1]);
  const bool fin = b0 & 0x80;
  const std::uint8_t op = b0 & 0x0f;
  if (b0 & 0x70) {
    fail(close_code::kProtocolError, "reserved bits set (no extension was negotiated)", out);
    return 0;
  }
  if (!known_opcode(op)) {
    fail(close_code::kProtocolError, "unknown opcode", out);
    return 0;
  }
  if (!(b1 & 0x80)) {
    fail(close_code::kProtocolError, "client frames must be masked", out);
    return 0;
  }
  const bool control = op >= 8;
  size_t header = 2;
  std::uint64_t length = b1 & 0x7f;
  if (length == 126) {
    if (in.size() < 4) return 0;
    length = read_be(in, 2, 2);
    header = 4;
    if (length < 126) {
      fail(close_code::kProtocolError, "frame length not minimally encoded", out);
      return 0;
    }
  } else if (length == 127) {
    if (in.size() < 10) return 0;
    length = read_be(in, 2, 8);
    header = 10;
    if (length >> 63 || length < 65536) {
      fail(close_code::kProtocolError, "invalid 64-bit frame length", out);
      return 0;
    }
  }
  if (control && (!fin || length > kMaxControlPayload)) {
    fail(close_code::kProtocolError, "control frames must be whole and at most 125 bytes", out);
    return 0;
  }
  if (!control) {
    if (op == 0 && !in_message_) {
      fail(close_code::kProtocolError, "continuation frame without a message", out);
      return 0;
    }
    if (op != 0 && in_message_) {
      fail(close_code::kProtocolError, "new message inside a fragmented one", out);
      return 0;
    }
    // Refused by its declared size, before any of the payload is buffered.
    const size_t so_far = op == 0 && held_ ? held_->message.size() : 0;
    if (length > max_message_bytes_ || so_far + length > max_message_bytes_) {
      fail(close_code::kTooBig, "message too big", out);
      return 0;
    }
  }
  header += 4;  // the mask
  if (in.size() < header + length) return 0;

  const char* mask = in.data() + header - 4;
  std::string payload(in.substr(header, length));
  for (size_t i = 0; i < payload.size(); ++i) payload[i] ^= mask[i & 3];

  switch (static_cast<Opcode>(op)) {
    case Opcode::kText:
    case Opcode::kBinary:
    case Opcode::kContinuation: {
      if (op != 0) {
        message_binary_ = op == 2;
        if (fin) {  // unfragmented: delivered without touching the held message
          if (!message_binary_ && !od::is_valid_utf8(payload)) {
            fail(close_code::kInvalidData, "text message is not UTF-8", out);
            return 0;
          }
          out.push_back({FrameEvent::Kind::kMessage, message_binary_, std::move(payload), 0});
          break;
        }
        in_message_ = true;
        held().message = std::move(payload);
        break;
      }
      std::string& message = held().message;
      message.append(payload);
      if (!fin) break;
      in_message_ = false;
      if (!message_binary_ && !od::is_valid_utf8(message)) {
        fail(close_code::kInvalidData, "text message is not UTF-8", out);
        return 0;
      }
      out.push_back({FrameEvent::Kind::kMessage, message_binary_, std::move(message), 0});
      std::string().swap(message);
      break;
    }
    case Opcode::kClose: {
      std::uint16_t code = kNoStatus;
      std::string reason;
      if (payload.size() == 1) {
        fail(close_code::kProtocolError, "close frame with a one-byte payload", out);
        return 0;
      }
      if (payload.size() >= 2) {
        code = static_cast<std::uint16_t>(read_be(payload, 0, 2));
        if (!valid_close_code(code)) {
          fail(close_code::kProtocolError, "invalid close code", out);
          return 0;
        }
        reason = payload.substr(2);
        if (!od::is_valid_utf8(reason)) {
          fail(close_code::kInvalidData, "close reason is not UTF-8", out);
          return 0;
        }
      }
      done_ = true;
      out.push_back({FrameEvent::Kind::kClose, false, std::move(reason), code});
      break;
    }
    case Opcode::kPing:
      out.push_back({FrameEvent::Kind::kPing, false, std::move(payload), 0});
      break;
    case Opcode::kPong:
      out.push_back({FrameEvent::Kind::kPong, false, std::move(payload), 0});
      break;
  }
  return header + length;
}

bool valid_close_code(std::uint16_t code) {
  if (code >= 3000 && code <= 4999) return true;  // registered and private use
  return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014);
}

std::string frame_header(Opcode opcode, size_t payload_bytes) {
  std::string h;
  h.push_back(static_cast<char>(0x80 | static_cast<std::uint8_t>(opcode)));
  if (payload_bytes < 126) {
    h.push_back(static_cast<char>(payload_bytes));
  } else if (payload_bytes <= 0xffff) {
    h.push_back(126);
    for (int shift = 8; shift >= 0; shift -= 8)
      h.push_back(static_cast<char>(payload_bytes >> shift));
  } else {
    h.push_back(127);
    for (int shift = 56; shift >= 0; shift -= 8) {
      h.push_back(static_cast<char>(static_cast<std::uint64_t>(payload_bytes) >> shift));
    }
  }
  return h;
}

std::string control_frame(Opcode opcode, std::string_view payload) {
  payload = payload.substr(0, kMaxControlPayload);
  return frame_header(opcode, payload.size()).append(payload);
}

std::string close_frame(std::uint16_t code, std::string_view reason) {
  if (code == kNoStatus) return control_frame(Opcode::kClose, {});
  // Two bytes of code leave 123 for the reason; cut it where no UTF-8 sequence is split.
  size_t keep = std::min<size_t>(reason.size(), kMaxControlPayload - 2);
  while (keep > 0 && keep < reason.size() &&
         (static_cast<unsigned char>(reason[keep]) & 0xc0) == 0x80) {
    --keep;
  }
  std::string payload;
  payload.push_back(static_cast<char>(code >> 8));
  payload.push_back(static_cast<char>(code & 0xff));
  payload.append(reason.substr(0, keep));
  return control_frame(Opcode::kClose, payload);
}

}  // namespace od::http::ws
