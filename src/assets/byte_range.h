// The Range request header for single byte ranges (RFC 9110 14.2): "bytes=a-b", "bytes=a-" and
// "bytes=-n". Several ranges, other units or bad syntax are ignored (the whole content is sent,
// which the RFC allows); a well-formed range entirely past the end is unsatisfiable (416).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace od::assets {

struct RangeRequest {
  enum class Kind { Whole, Partial, Unsatisfiable } kind = Kind::Whole;
  uint64_t first = 0;  // inclusive, for Partial
  uint64_t last = 0;   // inclusive, for Partial
};

RangeRequest parse_range(std::optional<std::string_view> header, uint64_t size);

}  // namespace od::assets
