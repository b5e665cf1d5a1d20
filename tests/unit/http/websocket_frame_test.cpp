// The plain-TCP WebSocket frame reader against well-formed and hostile client frames: masking,
// fragmentation, control frames, close codes, UTF-8, length encodings and the message size limit
// (refused from the header, before the payload arrives), fed whole and byte by byte.
#include "http/websocket_frame.h"

#include <gtest/gtest.h>

#include "core/utf8.h"
#include "http/websocket.h"

namespace od::http::ws {
namespace {

using Kind = FrameEvent::Kind;

// A client frame: masked with a fixed key unless `masked` is false.
std::string client_frame(std::uint8_t first_byte, std::string_view payload, bool masked = true,
                         int length_form = 0) {
  std::string f;
  f.push_back(static_cast<char>(first_byte));
  const std::uint8_t mask_bit = masked ? 0x80 : 0;
  const size_t n = payload.size();
  if (length_form == 0 && n < 126) {
    f.push_back(static_cast<char>(mask_bit | n));
  } else if (length_form == 16 || (length_form == 0 && n <= 0xffff)) {
    f.push_back(static_cast<char>(mask_bit | 126));
    f.push_back(static_cast<char>(n >> 8));
    f.push_back(static_cast<char>(n & 0xff));
  } else {
    f.push_back(static_cast<char>(mask_bit | 127));
    for (int shift = 56; shift >= 0; shift -= 8) {
      f.push_back(static_cast<char>(static_cast<std::uint64_t>(n) >> shift));
    }
  }
  const char key[4] = {0x12, 0x34, 0x56, 0x78};
  if (masked) f.append(key, 4);
  for (size_t i = 0; i < n; ++i) f.push_back(masked ? payload[i] ^ key[i & 3] : payload[i]);
  return f;
}

std::string close_payload(std::uint16_t code, std::string_view reason = {}) {
  std::string p;
  p.push_back(static_cast<char>(code >> 8));
  p.push_back(static_cast<char>(code & 0xff));
  p.append(reason);
  return p;
}

std::vector<FrameEvent> feed_all(const std::string& bytes, size_t max = 1024) {
  FrameReader reader(max);
  std::vector<FrameEvent> out;
  reader.feed(bytes, out);
  return out;
}

std::vector<FrameEvent> feed_bytewise(const std::string& bytes, size_t max = 1024) {
  FrameReader reader(max);
  std::vector<FrameEvent> out;
  for (char c : bytes) reader.feed(std::string_view(&c, 1), out);
  return out;
}

FrameEvent single_error(const std::string& bytes, size_t max = 1024) {
  auto events = feed_all(bytes, max);
  EXPECT_EQ(events.size(), 1u);
  EXPECT_EQ(events.back().kind, Kind::kError);
  return events.back();
}

TEST(WebSocketFrameReader, ReadsMaskedMessagesWholeAndBytewise) {
  std::string stream = client_frame(0x82, "hello") + client_frame(0x81, "caf\xc3\xa9") +
                       client_frame(0x82, std::string(300, 'x')) +
                       client_frame(0x82, std::string(70000, 'y'));
  for (const auto& events : {feed_all(stream, 1 << 20), feed_bytewise(stream, 1 << 20)}) {
    ASSERT_EQ(events.size(), 4u);
    EXPECT_EQ(events[0].kind, Kind::kMessage);
    EXPECT_TRUE(events[0].binary);
    EXPECT_EQ(events[0].payload, "hello");
    EXPECT_FALSE(events[1].binary);
    EXPECT_EQ(events[1].payload, "caf\xc3\xa9");
    EXPECT_EQ(events[2].payload, std::string(300, 'x'));
    EXPECT_EQ(events[3].payload, std::string(70000, 'y'));
  }
}

TEST(WebSocketFrameReader, JoinsFragmentsWithControlFramesBetween) {
  std::string stream = client_frame(0x02, "ab") + client_frame(0x89, "p") +
                       client_frame(0x00, "cd") + client_frame(0x80, "ef");
  auto events = feed_bytewise(stream);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].kind, Kind::kPing);
  EXPECT_EQ(events[0].payload, "p");
  EXPECT_EQ(events[1].kind, Kind::kMessage);
  EXPECT_TRUE(events[1].binary);
  EXPECT_EQ(events[1].payload, "abcdef");
}

TEST(WebSocketFrameReader, HoldsNothingBetweenWholeFrames) {
  FrameReader reader(1024);
  std::vector<FrameEvent> out;
  std::string frame = client_frame(0x82, std::string(100, 'p'));
  reader.feed(std::string_view(frame).substr(0, 50), out);
  EXPECT_GE(reader.held_bytes(), 50u);
  reader.feed(std::string_view(frame).substr(50), out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(reader.held_bytes(), 0u);
}

TEST(WebSocketFrameReader, ReadsCloseFramesWithAndWithoutCode) {
  auto with = feed_all(client_frame(0x88, close_payload(4401, "bye")));
  ASSERT_EQ(with.size(), 1u);
  EXPECT_EQ(with[0].kind, Kind::kClose);
  EXPECT_EQ(with[0].code, 4401);
  EXPECT_EQ(with[0].payload, "bye");
  auto without = feed_all(client_frame(0x88, ""));
  ASSERT_EQ(without.size(), 1u);
  EXPECT_EQ(without[0].code, kNoStatus);
}

TEST(WebSocketFrameReader, IgnoresInputAfterClose) {
  auto events = feed_all(client_frame(0x88, close_payload(1000)) + client_frame(0x82, "late"));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind, Kind::kClose);
}

TEST(WebSocketFrameReader, RefusesUnmaskedFrames) {
  EXPECT_EQ(single_error(client_frame(0x82, "x", false)).code, close_code::kProtocolError);
}

TEST(WebSocketFrameReader, RefusesReservedBitsAndUnknownOpcodes) {
  EXPECT_EQ(single_error(client_frame(0xc2, "x")).code, close_code::kProtocolError);  // RSV1
  EXPECT_EQ(single_error(client_frame(0x83, "x")).code, close_code::kProtocolError);
  EXPECT_EQ(single_error(client_frame(0x8b, "x")).code, close_code::kProtocolError);
}

TEST(WebSocketFrameReader, RefusesBadFragmentation) {
  EXPECT_EQ(single_error(client_frame(0x80, "x")).code, close_code::kProtocolError);
  auto nested = feed_all(client_frame(0x02, "a") + client_frame(0x82, "b"));
  ASSERT_EQ(nested.size(), 1u);
  EXPECT_EQ(nested[0].kind, Kind::kError);
  EXPECT_EQ(single_error(client_frame(0x09, "fragmented ping")).code, close_code::kProtocolError);
}

TEST(WebSocketFrameReader, RefusesLongControlFrames) {
  EXPECT_EQ(single_error(client_frame(0x89, std::string(126, 'p'))).code,
            close_code::kProtocolError);
}

TEST(WebSocketFrameReader, RefusesNonMinimalLengths) {
  EXPECT_EQ(single_error(client_frame(0x82, "short", true, 16)).code, close_code::kProtocolError);
  EXPECT_EQ(single_error(client_frame(0x82, std::string(300, 'x'), true, 64), 1 << 20).code,
            close_code::kProtocolError);
}

TEST(WebSocketFrameReader, RefusesAHugeLengthFromTheHeaderAlone) {
  // A header announcing 2^62 bytes, and no payload at all: refused at once, nothing buffered.
  std::string header = {
      static_cast<char>(0x82), static_cast<char>(0xff), 0x40, 0, 0, 0, 0, 0, 0, 0};
  FrameReader reader(1024);
  std::vector<FrameEvent> out;
  reader.feed(header, out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].code, close_code::kTooBig);
  EXPECT_EQ(reader.held_bytes(), 0u);
  std::string top_bit = {static_cast<char>(0x82),
                         static_cast<char>(0xff),
                         static_cast<char>(0x80),
                         0,
                         0,
                         0,
                         0,
                         0,
                         0,
                         0};
  EXPECT_EQ(single_error(top_bit).code, close_code::kProtocolError);
}

TEST(WebSocketFrameReader, RefusesMessagesOverTheLimitAcrossFragments) {
  EXPECT_EQ(single_error(client_frame(0x82, std::string(1025, 'x'))).code, close_code::kTooBig);
  auto events = feed_all(client_frame(0x02, std::string(600, 'x')) +
                         client_frame(0x80, std::string(600, 'x')));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].code, close_code::kTooBig);
}

TEST(WebSocketFrameReader, RefusesInvalidUtf8InTextAndCloseReasons) {
  EXPECT_EQ(single_error(client_frame(0x81, "\xc3")).code, close_code::kInvalidData);
  EXPECT_EQ(single_error(client_frame(0x01, "\xc3") + client_frame(0x80, "\x28")).code,
            close_code::kInvalidData);
  EXPECT_EQ(single_error(client_frame(0x88, close_payload(1000, "\xff"))).code,
            close_code::kInvalidData);
  // Binary messages are not text: any bytes go.
  auto binary = feed_all(client_frame(0x82, "\xff\xfe"));
  ASSERT_EQ(binary.size(), 1u);
  EXPECT_EQ(binary[0].kind, Kind::kMessage);
}

TEST(WebSocketFrameReader, RefusesInvalidCloseFrames) {
  EXPECT_EQ(single_error(client_frame(0x88, "\x03")).code, close_code::kProtocolError);
  for (std::uint16_t code : {999, 1004, 1005, 1006, 1015, 2999, 5000}) {
    EXPECT_EQ(single_error(client_frame(0x88, close_payload(code))).code,
              close_code::kProtocolError)
        << code;
  }
}

TEST(WebSocketFrameWriter, EncodesLengthsAndCutsCloseReasonsOnACharacterBoundary) {
  EXPECT_EQ(frame_header(Opcode::kBinary, 5), std::string("\x82\x05"));
  EXPECT_EQ(frame_header(Opcode::kBinary, 300), std::string("\x82\x7e\x01\x2c", 4));
  EXPECT_EQ(frame_header(Opcode::kBinary, 70000),
            std::string("\x82\x7f\x00\x00\x00\x00\x00\x01\x11\x70", 10));
  std::string reason;
  for (int i = 0; i < 80; ++i) reason += "\xc3\xa9";  // 160 bytes of two-byte characters
  std::string frame = close_frame(1008, reason);
  ASSERT_LE(frame.size(), 2u + 125u);
  EXPECT_EQ(static_cast<unsigned char>(frame[0]), 0x88);
  EXPECT_TRUE(od::is_valid_utf8(frame.substr(4)));
  EXPECT_EQ(close_frame(kNoStatus, "ignored"), std::string("\x88\x00", 2));
}

}  // namespace
}  // namespace od::http::ws
