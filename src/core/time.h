// Wall-clock time as Unix milliseconds (what the stores keep) and its RFC 3339 rendering (what the
// API shows).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace od {

int64_t now_ms();
// "2026-11-24T05:04:22.123Z"
std::string rfc3339(int64_t unix_ms);
std::optional<int64_t> parse_rfc3339(std::string_view text);

}  // namespace od
