#include <gtest/gtest.h>

#include "engines/yjs/error.h"
#include "engines/yjs/sync_protocol.h"
#include "hex.h"

namespace od::yjs {
namespace {

using testing::hex;
using testing::unhex;

TEST(YjsSyncProtocol, EncodesAsYProtocols) {
  EXPECT_EQ(hex(encode_sync_step1(unhex("010104"))), "000003010104");
  EXPECT_EQ(hex(encode_sync_step2(unhex("0000"))), "0001020000");
  EXPECT_EQ(hex(encode_sync_update(unhex("0000"))), "0002020000");
  EXPECT_EQ(hex(encode_query_awareness()), "03");
  EXPECT_EQ(hex(encode_permission_denied("no")), "0200026e6f");
}

TEST(YjsSyncProtocol, DecodesMessages) {
  const auto step1 = unhex("000003010104");
  const Message m = decode_message(step1);
  EXPECT_EQ(m.type, MessageType::kSync);
  EXPECT_EQ(m.sync_type, SyncType::kStep1);
  EXPECT_EQ(hex({m.payload.begin(), m.payload.end()}), "010104");

  const auto denied = unhex("0200026e6f");
  const Message d = decode_message(denied);
  EXPECT_EQ(d.type, MessageType::kAuth);
  EXPECT_EQ(d.auth_type, AuthType::kPermissionDenied);
  EXPECT_EQ(std::string(d.payload.begin(), d.payload.end()), "no");

  const auto token = encode_auth_token("tok");
  EXPECT_EQ(hex(token), "020103746f6b");
  const Message t = decode_message(token);
  EXPECT_EQ(t.type, MessageType::kAuth);
  EXPECT_EQ(t.auth_type, AuthType::kToken);
  EXPECT_EQ(std::string(t.payload.begin(), t.payload.end()), "tok");

  const auto two = unhex(
      "0001020000"
      "03");
  EXPECT_EQ(decode_messages(two).size(), 2u);
  EXPECT_THROW(decode_message(two), DecodeError);  // exactly one message per frame

  for (const char* bad : {"", "04", "0003020000", "000105", "0201", "010300", "020200"}) {
    EXPECT_THROW(decode_message(unhex(bad)), DecodeError) << bad;
  }
}

TEST(YjsSyncProtocol, AwarenessUpdateRoundTrip) {
  const std::vector<AwarenessEntry> entries = {
      {1, 3, R"({"user":{"name":"Ann 😀"}})"},
      {(std::uint64_t{1} << 53) - 1, 9, "null"},
  };
  const auto bytes = encode_awareness_update(entries);
  EXPECT_EQ(decode_awareness_update(bytes), entries);
  const auto message = encode_awareness_message(bytes);
  const Message m = decode_message(message);
  EXPECT_EQ(m.type, MessageType::kAwareness);
  EXPECT_EQ(decode_awareness_update(m.payload), entries);
  // y-protocols writes {clientID: 1, clock: 2, state: {}} as these bytes.
  EXPECT_EQ(hex(encode_awareness_update({{1, 2, "{}"}})), "010102027b7d");
  EXPECT_THROW(decode_awareness_update(unhex("010102017b")), DecodeError);  // not JSON
  EXPECT_THROW(decode_awareness_update(unhex("0201")), DecodeError);
}

}  // namespace
}  // namespace od::yjs
