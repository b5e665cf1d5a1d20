// lib0's self-describing `Any` value (one type byte, then the payload), used by ContentAny and
// ContentDoc in Yjs updates. Numbers are JavaScript numbers (doubles); writing one picks the wire
// type the way lib0 does (small integers as varInt, then float32 when exact, else float64) so
// values written here read back in JS exactly as they were.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engines/yjs/lib0_decoder.h"
#include "engines/yjs/lib0_encoder.h"

namespace od::yjs {

struct AnyField;

struct Any {
  enum class Kind {
    kUndefined,
    kNull,
    kNumber,
    kBigInt,
    kBoolean,
    kString,
    kObject,
    kArray,
    kBytes
  };

  Kind kind = Kind::kUndefined;
  double number = 0;         // kNumber
  std::int64_t big_int = 0;  // kBigInt
  bool boolean = false;      // kBoolean
  std::string string;        // kString (UTF-8)
  std::vector<std::uint8_t> bytes;
  std::vector<Any> array;
  std::vector<AnyField> object;  // in wire order

  static Any undefined();
  static Any null();
  static Any of_number(double v);
  static Any of_big_int(std::int64_t v);
  static Any of_boolean(bool v);
  static Any of_string(std::string v);
  static Any of_bytes(std::vector<std::uint8_t> v);
  static Any of_array(std::vector<Any> v);
  static Any of_object(std::vector<AnyField> v);

  bool operator==(const Any& other) const;
};

struct AnyField {
  std::string key;
  Any value;
  bool operator==(const AnyField& other) const = default;
};

// Nesting deeper than this is rejected: the reader recurses, and no real document nests this deep.
inline constexpr int kMaxAnyDepth = 128;

Any read_any(Lib0Decoder& decoder);
// Consumes one Any without building it (used by validation and slicing, which only need extents).
void skip_any(Lib0Decoder& decoder);
void write_any(Lib0Encoder& encoder, const Any& value);

}  // namespace od::yjs
