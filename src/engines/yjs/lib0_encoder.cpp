#include "engines/yjs/lib0_encoder.h"

#include <bit>

namespace od::yjs {

void Lib0Encoder::write_var_uint(std::uint64_t v) {
  while (v > 0x7f) {
    buf_.push_back(static_cast<std::uint8_t>(0x80 | (v & 0x7f)));
    v >>= 7;
  }
  buf_.push_back(static_cast<std::uint8_t>(v));
}

void Lib0Encoder::write_var_int(std::int64_t v, bool negative_zero) {
  const bool negative = v < 0 || (v == 0 && negative_zero);
  // Negate in unsigned arithmetic so INT64_MIN cannot overflow.
  std::uint64_t magnitude =
      v < 0 ? std::uint64_t{0} - static_cast<std::uint64_t>(v) : static_cast<std::uint64_t>(v);
  std::uint8_t first = static_cast<std::uint8_t>(magnitude & 0x3f);
  if (negative) first |= 0x40;
  magnitude >>= 6;
  if (magnitude > 0) first |= 0x80;
  buf_.push_back(first);
  while (magnitude > 0) {
    std::uint8_t byte = static_cast<std::uint8_t>(magnitude & 0x7f);
    magnitude >>= 7;
    if (magnitude > 0) byte |= 0x80;
    buf_.push_back(byte);
  }
}

void Lib0Encoder::write_bytes(std::span<const std::uint8_t> bytes) {
  buf_.insert(buf_.end(), bytes.begin(), bytes.end());
}

void Lib0Encoder::write_var_uint8_array(std::span<const std::uint8_t> bytes) {
  write_var_uint(bytes.size());
  write_bytes(bytes);
}

void Lib0Encoder::write_var_string(std::string_view utf8) {
  write_var_uint(utf8.size());
  buf_.insert(buf_.end(), utf8.begin(), utf8.end());
}

void Lib0Encoder::write_float32(float v) {
  const auto bits = std::bit_cast<std::uint32_t>(v);
  for (int shift = 24; shift >= 0; shift -= 8)
    buf_.push_back(static_cast<std::uint8_t>(bits >> shift));
}

void Lib0Encoder::write_float64(double v) {
  const auto bits = std::bit_cast<std::uint64_t>(v);
  for (int shift = 56; shift >= 0; shift -= 8)
    buf_.push_back(static_cast<std::uint8_t>(bits >> shift));
}

void Lib0Encoder::write_big_int64(std::int64_t v) {
  const auto bits = static_cast<std::uint64_t>(v);
  for (int shift = 56; shift >= 0; shift -= 8)
    buf_.push_back(static_cast<std::uint8_t>(bits >> shift));
}

}  // namespace od::yjs
