// Bounded reader for lib0's binary encodings (dmonad/lib0 decoding.js), the primitives Yjs updates
// and y-protocols messages are made of. Every read checks the remaining length first and throws
// DecodeError on truncated, overlong or out-of-range input, so hostile bytes cannot cause an
// out-of-bounds read. Integers follow JavaScript's limits: unsigned values must fit in 2^53 - 1
// (Number.MAX_SAFE_INTEGER), the largest a JS peer can produce or read back.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace od::yjs {

inline constexpr std::uint64_t kMaxSafeInteger = (std::uint64_t{1} << 53) - 1;

// A signed lib0 varInt. lib0 stores sign and magnitude separately, so "-0" exists on the wire;
// `negative` keeps it (value == 0 && negative) for callers that must round-trip it exactly.
struct VarInt {
  std::int64_t value = 0;
  bool negative = false;
};

class Lib0Decoder {
 public:
  explicit Lib0Decoder(std::span<const std::uint8_t> bytes) : bytes_(bytes) {}

  std::size_t position() const { return pos_; }
  std::size_t remaining() const { return bytes_.size() - pos_; }
  bool has_content() const { return pos_ < bytes_.size(); }

  std::uint8_t read_uint8();
  // LEB128, at most 8 bytes, value <= 2^53 - 1.
  std::uint64_t read_var_uint();
  // lib0 sign-magnitude varInt: first byte holds continuation, sign and 6 bits.
  VarInt read_var_int();
  // varUint length then that many bytes; the view points into the input.
  std::span<const std::uint8_t> read_var_uint8_array();
  // varUint length then UTF-8 bytes; rejects invalid UTF-8 as lib0's fatal TextDecoder does.
  std::string_view read_var_string();
  std::span<const std::uint8_t> read_bytes(std::size_t n);
  float read_float32();   // big-endian IEEE 754
  double read_float64();  // big-endian IEEE 754
  std::int64_t read_big_int64();

  // Throws unless `count` items of at least `min_item_size` bytes each could still follow; callers
  // use it before loops driven by a length prefix so a forged count fails fast.
  void expect_items(std::uint64_t count, std::size_t min_item_size) const;

 private:
  void need(std::size_t n) const;

  std::span<const std::uint8_t> bytes_;
  std::size_t pos_ = 0;
};

// True when `s` is well-formed UTF-8 (no overlongs, surrogates or code points above U+10FFFF).
bool is_valid_utf8(std::string_view s);
// Length of well-formed UTF-8 in UTF-16 code units, the unit Yjs counts text in.
std::uint64_t utf16_length(std::string_view utf8);

}  // namespace od::yjs
