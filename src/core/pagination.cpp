#include "core/pagination.h"

#include <charconv>

#include "core/crypto.h"
#include "core/error.h"

namespace od {
namespace {
constexpr char kCursorPrefix[] = "c1:";  // versioned, so the encoding can change later
}

PageRequest parse_page(const std::optional<std::string>& limit,
                       const std::optional<std::string>& cursor) {
  PageRequest page;
  if (limit) {
    int value = 0;
    auto [end, ec] = std::from_chars(limit->data(), limit->data() + limit->size(), value);
    if (ec != std::errc() || end != limit->data() + limit->size() || value < 1 ||
        value > kMaxPageSize) {
      throw validation_error("limit must be an integer from 1 to " + std::to_string(kMaxPageSize),
                             {{"field", "limit"}});
    }
    page.limit = value;
  }
  if (cursor && !cursor->empty()) {
    std::string decoded;
    if (cursor->size() > 512 || !crypto::base64url_decode(*cursor, decoded) ||
        decoded.rfind(kCursorPrefix, 0) != 0) {
      throw validation_error("cursor is not valid; pass back the nextCursor of a previous page",
                             {{"field", "cursor"}});
    }
    page.after = decoded.substr(sizeof(kCursorPrefix) - 1);
  }
  return page;
}

std::string encode_cursor(const std::string& key) {
  return crypto::base64url_encode(kCursorPrefix + key);
}

nlohmann::json page_json(nlohmann::json items, const std::string& last_key, int limit) {
  bool full = static_cast<int>(items.size()) == limit && !last_key.empty();
  return {{"items", std::move(items)},
          {"nextCursor", full ? nlohmann::json(encode_cursor(last_key)) : nlohmann::json(nullptr)}};
}

}  // namespace od
