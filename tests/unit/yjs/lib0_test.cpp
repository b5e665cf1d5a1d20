#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "engines/yjs/any.h"
#include "engines/yjs/error.h"
#include "engines/yjs/lib0_decoder.h"
#include "engines/yjs/lib0_encoder.h"
#include "hex.h"

namespace od::yjs {
namespace {

using testing::hex;
using testing::unhex;

std::uint64_t var_uint_round_trip(std::uint64_t v) {
  Lib0Encoder e;
  e.write_var_uint(v);
  Lib0Decoder d(e.bytes());
  const std::uint64_t out = d.read_var_uint();
  EXPECT_FALSE(d.has_content());
  return out;
}

TEST(Lib0, VarUintBoundaries) {
  for (std::uint64_t v :
       {std::uint64_t{0}, std::uint64_t{1}, std::uint64_t{127}, std::uint64_t{128},
        std::uint64_t{16383}, std::uint64_t{16384}, std::uint64_t{1} << 32, kMaxSafeInteger}) {
    EXPECT_EQ(var_uint_round_trip(v), v);
  }
  Lib0Encoder e;
  e.write_var_uint(127);
  e.write_var_uint(128);
  e.write_var_uint(std::uint64_t{1} << 32);
  EXPECT_EQ(hex(e.bytes()),
            "7f"
            "8001"
            "8080808010");
  Lib0Encoder max;
  max.write_var_uint(kMaxSafeInteger);  // as lib0 writes Number.MAX_SAFE_INTEGER
  EXPECT_EQ(hex(max.bytes()), "ffffffffffffff0f");
}

TEST(Lib0, VarUintRejectsTruncatedAndOutOfRange) {
  for (const char* bad : {"", "80", "ff", "ffffffffffffff", "8080808080808080",
                          "ffffffffffffff10" /* 2^53 */, "ffffffffffffffff7f"}) {
    const auto bytes = unhex(bad);
    Lib0Decoder d(bytes);
    EXPECT_THROW(d.read_var_uint(), DecodeError) << bad;
  }
}

TEST(Lib0, VarIntSignMagnitude) {
  struct Case {
    std::int64_t v;
    const char* hex;
  };
  // Expected bytes are what lib0's writeVarInt produces.
  for (const Case& c : {Case{0, "00"}, Case{1, "01"}, Case{-1, "41"}, Case{63, "3f"},
                        Case{64, "8001"}, Case{-64, "c001"}, Case{-2147483647, "ffffffff0f"}}) {
    Lib0Encoder e;
    e.write_var_int(c.v);
    EXPECT_EQ(hex(e.bytes()), c.hex) << c.v;
    Lib0Decoder d(e.bytes());
    const VarInt got = d.read_var_int();
    EXPECT_EQ(got.value, c.v);
    EXPECT_EQ(got.negative, c.v < 0);
  }
}

TEST(Lib0, VarIntNegativeZero) {
  Lib0Encoder e;
  e.write_var_int(0, /*negative_zero=*/true);
  EXPECT_EQ(hex(e.bytes()), "40");
  Lib0Decoder d(e.bytes());
  const VarInt v = d.read_var_int();
  EXPECT_EQ(v.value, 0);
  EXPECT_TRUE(v.negative);
}

TEST(Lib0, VarIntRejectsTruncatedAndOutOfRange) {
  for (const char* bad : {"", "80", "c0ff", "ffffffffffffffffff01"}) {
    const auto bytes = unhex(bad);
    Lib0Decoder d(bytes);
    EXPECT_THROW(d.read_var_int(), DecodeError) << bad;
  }
}

TEST(Lib0, StringsAreUtf8AndValidated) {
  Lib0Encoder e;
  e.write_var_string("aé中😀");
  EXPECT_EQ(hex(e.bytes()),
            "0a"
            "61"
            "c3a9"
            "e4b8ad"
            "f09f9880");
  Lib0Decoder d(e.bytes());
  EXPECT_EQ(d.read_var_string(), "aé中😀");
  EXPECT_EQ(utf16_length("aé中😀"), 5u);  // the emoji is a surrogate pair in UTF-16

  // Overlong, lone surrogate, above U+10FFFF, cut sequence, length past the end.
  for (const char* bad : {"02c0af", "03eda080", "04f4908080", "02e4b8", "05616263"}) {
    const auto bytes = unhex(bad);
    Lib0Decoder bad_decoder(bytes);
    EXPECT_THROW(bad_decoder.read_var_string(), DecodeError) << bad;
  }
}

TEST(Lib0, FloatsAreBigEndian) {
  Lib0Encoder e;
  e.write_float32(1.5f);
  e.write_float64(-2.25);
  e.write_big_int64(-2);
  EXPECT_EQ(hex(e.bytes()),
            "3fc00000"
            "c002000000000000"
            "fffffffffffffffe");
  Lib0Decoder d(e.bytes());
  EXPECT_EQ(d.read_float32(), 1.5f);
  EXPECT_EQ(d.read_float64(), -2.25);
  EXPECT_EQ(d.read_big_int64(), -2);
  EXPECT_THROW(d.read_uint8(), DecodeError);
}

Any round_trip(const Any& v) {
  Lib0Encoder e;
  write_any(e, v);
  Lib0Decoder d(e.bytes());
  Any out = read_any(d);
  EXPECT_FALSE(d.has_content());
  Lib0Decoder skip(e.bytes());
  skip_any(skip);
  EXPECT_FALSE(skip.has_content());
  return out;
}

std::string any_hex(const Any& v) {
  Lib0Encoder e;
  write_any(e, v);
  return hex(e.bytes());
}

TEST(Lib0, AnyOfEveryType) {
  std::vector<Any> values = {
      Any::undefined(),
      Any::null(),
      Any::of_number(42),
      Any::of_number(-0.0),
      Any::of_number(0.5),
      Any::of_number(0.1),
      Any::of_number(std::numeric_limits<double>::infinity()),
      Any::of_number(1099511627776.0),  // 2^40: integral but too big for the varInt form
      Any::of_big_int(-9007199254740993),
      Any::of_boolean(true),
      Any::of_boolean(false),
      Any::of_string("héllo 😀"),
      Any::of_bytes({1, 2, 255}),
      Any::of_array({Any::of_number(1), Any::of_string("x"), Any::null()}),
      Any::of_object({{"a", Any::of_number(1)}, {"b", Any::of_array({})}}),
  };
  for (const Any& v : values) EXPECT_EQ(round_trip(v), v) << any_hex(v);
  // Wire types chosen as lib0's writeAny chooses them.
  EXPECT_EQ(any_hex(Any::of_number(42)), "7d2a");
  EXPECT_EQ(any_hex(Any::of_number(-0.0)), "7d40");
  EXPECT_EQ(any_hex(Any::of_number(0.5)), "7c3f000000");
  EXPECT_EQ(any_hex(Any::of_number(0.1)), "7b3fb999999999999a");
  EXPECT_EQ(any_hex(Any::of_number(1099511627776.0)), "7c53800000");
  EXPECT_EQ(any_hex(Any::of_object({{"k", Any::of_boolean(true)}})), "7601016b78");
  Any nan = round_trip(Any::of_number(std::nan("")));
  EXPECT_TRUE(std::isnan(nan.number));
}

TEST(Lib0, AnyRejectsBadInput) {
  for (const char* bad : {"", "00", "7d", "77", "7705616263", "76ff", "7502", "7402ff"}) {
    const auto bytes = unhex(bad);
    Lib0Decoder d(bytes);
    EXPECT_THROW(read_any(d), DecodeError) << bad;
    Lib0Decoder skip(bytes);
    EXPECT_THROW(skip_any(skip), DecodeError) << bad;
  }
  // Nesting is bounded, so hostile input cannot exhaust the stack.
  std::vector<std::uint8_t> deep;
  for (int i = 0; i < 10000; ++i) {
    deep.push_back(0x75);  // array
    deep.push_back(0x01);  // of one element
  }
  deep.push_back(0x7e);
  Lib0Decoder d(deep);
  EXPECT_THROW(read_any(d), DecodeError);
}

}  // namespace
}  // namespace od::yjs
