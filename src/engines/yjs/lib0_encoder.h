// Writer for lib0's binary encodings (dmonad/lib0 encoding.js), the mirror of Lib0Decoder.
// It appends to a growable byte vector; nothing here can fail except allocation.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace od::yjs {

class Lib0Encoder {
 public:
  void write_uint8(std::uint8_t v) { buf_.push_back(v); }
  void write_var_uint(std::uint64_t v);
  // Sign-magnitude as lib0 writes it; `negative_zero` emits lib0's "-0" when value == 0.
  void write_var_int(std::int64_t v, bool negative_zero = false);
  void write_bytes(std::span<const std::uint8_t> bytes);
  void write_var_uint8_array(std::span<const std::uint8_t> bytes);
  void write_var_string(std::string_view utf8);
  void write_float32(float v);
  void write_float64(double v);
  void write_big_int64(std::int64_t v);

  const std::vector<std::uint8_t>& bytes() const { return buf_; }
  std::vector<std::uint8_t> take() { return std::move(buf_); }
  std::size_t size() const { return buf_.size(); }

 private:
  std::vector<std::uint8_t> buf_;
};

}  // namespace od::yjs
