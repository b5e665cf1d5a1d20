#include "engines/yjs/lib0_decoder.h"

#include <bit>
#include <cstring>

#include "core/utf8.h"
#include "engines/yjs/error.h"

namespace od::yjs {

void Lib0Decoder::need(std::size_t n) const {
  if (n > remaining()) throw DecodeError("unexpected end of input");
}

void Lib0Decoder::expect_items(std::uint64_t count, std::size_t min_item_size) const {
  if (count > remaining() / (min_item_size == 0 ? 1 : min_item_size)) {
    throw DecodeError("length prefix larger than the remaining input");
  }
}

std::uint8_t Lib0Decoder::read_uint8() {
  need(1);
  return bytes_[pos_++];
}

std::uint64_t Lib0Decoder::read_var_uint() {
  std::uint64_t value = 0;
  // 8 groups of 7 bits cover 2^53; a ninth byte can only encode something out of range.
  for (int shift = 0; shift < 56; shift += 7) {
    const std::uint8_t byte = read_uint8();
    value |= std::uint64_t{byte & 0x7fu} << shift;
    if ((byte & 0x80) == 0) {
      if (value > kMaxSafeInteger) throw DecodeError("varUint out of range");
      return value;
    }
  }
  throw DecodeError("varUint out of range");
}

VarInt Lib0Decoder::read_var_int() {
  std::uint8_t byte = read_uint8();
  VarInt out;
  out.negative = (byte & 0x40) != 0;
  std::uint64_t magnitude = byte & 0x3fu;
  int shift = 6;
  while ((byte & 0x80) != 0) {
    if (shift > 48) throw DecodeError("varInt out of range");
    byte = read_uint8();
    magnitude |= std::uint64_t{byte & 0x7fu} << shift;
    shift += 7;
  }
  if (magnitude > kMaxSafeInteger) throw DecodeError("varInt out of range");
  out.value =
      out.negative ? -static_cast<std::int64_t>(magnitude) : static_cast<std::int64_t>(magnitude);
  return out;
}

std::span<const std::uint8_t> Lib0Decoder::read_bytes(std::size_t n) {
  need(n);
  auto out = bytes_.subspan(pos_, n);
  pos_ += n;
  return out;
}

std::span<const std::uint8_t> Lib0Decoder::read_var_uint8_array() {
  const std::uint64_t n = read_var_uint();
  if (n > remaining()) throw DecodeError("unexpected end of input");
  return read_bytes(static_cast<std::size_t>(n));
}

std::string_view Lib0Decoder::read_var_string() {
  auto raw = read_var_uint8_array();
  std::string_view s(reinterpret_cast<const char*>(raw.data()), raw.size());
  if (!is_valid_utf8(s)) throw DecodeError("string is not valid UTF-8");
  return s;
}

float Lib0Decoder::read_float32() {
  auto b = read_bytes(4);
  const std::uint32_t bits = (std::uint32_t{b[0]} << 24) | (std::uint32_t{b[1]} << 16) |
                             (std::uint32_t{b[2]} << 8) | std::uint32_t{b[3]};
  return std::bit_cast<float>(bits);
}

double Lib0Decoder::read_float64() {
  auto b = read_bytes(8);
  std::uint64_t bits = 0;
  for (std::uint8_t byte : b) bits = (bits << 8) | byte;
  return std::bit_cast<double>(bits);
}

std::int64_t Lib0Decoder::read_big_int64() {
  auto b = read_bytes(8);
  std::uint64_t bits = 0;
  for (std::uint8_t byte : b) bits = (bits << 8) | byte;
  return static_cast<std::int64_t>(bits);
}

bool is_valid_utf8(std::string_view s) { return od::is_valid_utf8(s); }

std::uint64_t utf16_length(std::string_view utf8) {
  std::uint64_t units = 0;
  for (char ch : utf8) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c & 0xc0) != 0x80) ++units;  // one per code point...
    if (c >= 0xf0) ++units;           // ...and a second for those outside the BMP
  }
  return units;
}

}  // namespace od::yjs
