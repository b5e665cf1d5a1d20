#include "engines/yjs/any.h"

#include <cmath>
#include <limits>

#include "engines/yjs/error.h"

namespace od::yjs {
namespace {

// Wire type bytes (lib0 encoding.js, writeAny).
constexpr std::uint8_t kUndefined = 127;
constexpr std::uint8_t kNull = 126;
constexpr std::uint8_t kInteger = 125;
constexpr std::uint8_t kFloat32 = 124;
constexpr std::uint8_t kFloat64 = 123;
constexpr std::uint8_t kBigInt = 122;
constexpr std::uint8_t kFalse = 121;
constexpr std::uint8_t kTrue = 120;
constexpr std::uint8_t kString = 119;
constexpr std::uint8_t kObject = 118;
constexpr std::uint8_t kArray = 117;
constexpr std::uint8_t kBytes = 116;

// One reader for both building and skipping, so the two cannot disagree about what is valid.
template <bool kBuild>
void read_any_impl(Lib0Decoder& d, Any* out, int depth) {
  if (depth > kMaxAnyDepth) throw DecodeError("Any value nested too deeply");
  const std::uint8_t type = d.read_uint8();
  switch (type) {
    case kUndefined:
      if constexpr (kBuild) out->kind = Any::Kind::kUndefined;
      return;
    case kNull:
      if constexpr (kBuild) out->kind = Any::Kind::kNull;
      return;
    case kInteger: {
      const VarInt v = d.read_var_int();
      if constexpr (kBuild) {
        out->kind = Any::Kind::kNumber;
        out->number = v.negative && v.value == 0 ? -0.0 : static_cast<double>(v.value);
      }
      return;
    }
    case kFloat32: {
      const float v = d.read_float32();
      if constexpr (kBuild) *out = Any::of_number(v);
      return;
    }
    case kFloat64: {
      const double v = d.read_float64();
      if constexpr (kBuild) *out = Any::of_number(v);
      return;
    }
    case kBigInt: {
      const std::int64_t v = d.read_big_int64();
      if constexpr (kBuild) *out = Any::of_big_int(v);
      return;
    }
    case kFalse:
    case kTrue:
      if constexpr (kBuild) *out = Any::of_boolean(type == kTrue);
      return;
    case kString: {
      const std::string_view s = d.read_var_string();
      if constexpr (kBuild) *out = Any::of_string(std::string(s));
      return;
    }
    case kObject: {
      const std::uint64_t n = d.read_var_uint();
      d.expect_items(n, 2);  // an empty key and a one-byte value at least
      if constexpr (kBuild) {
        out->kind = Any::Kind::kObject;
        out->object.reserve(n);
      }
      for (std::uint64_t i = 0; i < n; ++i) {
        const std::string_view key = d.read_var_string();
        if constexpr (kBuild) {
          out->object.push_back(AnyField{std::string(key), Any{}});
          read_any_impl<true>(d, &out->object.back().value, depth + 1);
        } else {
          read_any_impl<false>(d, nullptr, depth + 1);
        }
      }
      return;
    }
    case kArray: {
      const std::uint64_t n = d.read_var_uint();
      d.expect_items(n, 1);
      if constexpr (kBuild) {
        out->kind = Any::Kind::kArray;
        out->array.resize(n);
      }
      for (std::uint64_t i = 0; i < n; ++i) {
        if constexpr (kBuild) {
          read_any_impl<true>(d, &out->array[i], depth + 1);
        } else {
          read_any_impl<false>(d, nullptr, depth + 1);
        }
      }
      return;
    }
    case kBytes: {
      const auto bytes = d.read_var_uint8_array();
      if constexpr (kBuild) *out = Any::of_bytes({bytes.begin(), bytes.end()});
      return;
    }
    default:
      throw DecodeError("unknown Any type " + std::to_string(type));
  }
}

// lib0's test (store as float32, compare): false for NaN and for values outside float's range,
// which are checked first because converting them to float is undefined behaviour in C++.
bool is_float32(double v) {
  if (std::isnan(v)) return false;
  if (std::isfinite(v) && std::fabs(v) > std::numeric_limits<float>::max()) return false;
  return static_cast<double>(static_cast<float>(v)) == v;
}

}  // namespace

Any Any::undefined() { return Any{}; }
Any Any::null() {
  Any a;
  a.kind = Kind::kNull;
  return a;
}
Any Any::of_number(double v) {
  Any a;
  a.kind = Kind::kNumber;
  a.number = v;
  return a;
}
Any Any::of_big_int(std::int64_t v) {
  Any a;
  a.kind = Kind::kBigInt;
  a.big_int = v;
  return a;
}
Any Any::of_boolean(bool v) {
  Any a;
  a.kind = Kind::kBoolean;
  a.boolean = v;
  return a;
}
Any Any::of_string(std::string v) {
  Any a;
  a.kind = Kind::kString;
  a.string = std::move(v);
  return a;
}
Any Any::of_bytes(std::vector<std::uint8_t> v) {
  Any a;
  a.kind = Kind::kBytes;
  a.bytes = std::move(v);
  return a;
}
Any Any::of_array(std::vector<Any> v) {
  Any a;
  a.kind = Kind::kArray;
  a.array = std::move(v);
  return a;
}
Any Any::of_object(std::vector<AnyField> v) {
  Any a;
  a.kind = Kind::kObject;
  a.object = std::move(v);
  return a;
}

bool Any::operator==(const Any& o) const {
  if (kind != o.kind) return false;
  switch (kind) {
    case Kind::kUndefined:
    case Kind::kNull:
      return true;
    case Kind::kNumber:
      // Bitwise, so NaN equals NaN and -0 differs from 0, as a round trip should preserve.
      return std::signbit(number) == std::signbit(o.number) &&
             (number == o.number || (std::isnan(number) && std::isnan(o.number)));
    case Kind::kBigInt:
      return big_int == o.big_int;
    case Kind::kBoolean:
      return boolean == o.boolean;
    case Kind::kString:
      return string == o.string;
    case Kind::kBytes:
      return bytes == o.bytes;
    case Kind::kArray:
      return array == o.array;
    case Kind::kObject:
      return object == o.object;
  }
  return false;
}

Any read_any(Lib0Decoder& decoder) {
  Any out;
  read_any_impl<true>(decoder, &out, 0);
  return out;
}

void skip_any(Lib0Decoder& decoder) { read_any_impl<false>(decoder, nullptr, 0); }

void write_any(Lib0Encoder& e, const Any& v) {
  switch (v.kind) {
    case Any::Kind::kUndefined:
      e.write_uint8(kUndefined);
      return;
    case Any::Kind::kNull:
      e.write_uint8(kNull);
      return;
    case Any::Kind::kNumber: {
      const double n = v.number;
      if (std::isfinite(n) && std::trunc(n) == n && std::fabs(n) <= 2147483647.0) {
        e.write_uint8(kInteger);
        e.write_var_int(static_cast<std::int64_t>(n), std::signbit(n));
      } else if (is_float32(n)) {
        e.write_uint8(kFloat32);
        e.write_float32(static_cast<float>(n));
      } else {
        e.write_uint8(kFloat64);
        e.write_float64(n);
      }
      return;
    }
    case Any::Kind::kBigInt:
      e.write_uint8(kBigInt);
      e.write_big_int64(v.big_int);
      return;
    case Any::Kind::kBoolean:
      e.write_uint8(v.boolean ? kTrue : kFalse);
      return;
    case Any::Kind::kString:
      e.write_uint8(kString);
      e.write_var_string(v.string);
      return;
    case Any::Kind::kObject:
      e.write_uint8(kObject);
      e.write_var_uint(v.object.size());
      for (const AnyField& f : v.object) {
        e.write_var_string(f.key);
        write_any(e, f.value);
      }
      return;
    case Any::Kind::kArray:
      e.write_uint8(kArray);
      e.write_var_uint(v.array.size());
      for (const Any& item : v.array) write_any(e, item);
      return;
    case Any::Kind::kBytes:
      e.write_uint8(kBytes);
      e.write_var_uint8_array(v.bytes);
      return;
  }
}

}  // namespace od::yjs
