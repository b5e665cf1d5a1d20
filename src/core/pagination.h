// Keyset pagination shared by every list endpoint: a bounded `limit` and an opaque `cursor` that
// encodes the sort key of the last item returned. Ids are time-ordered, so "after this id" is a
// stable position even while items are added.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace od {

inline constexpr int kDefaultPageSize = 20;
inline constexpr int kMaxPageSize = 100;

struct PageRequest {
  int limit = kDefaultPageSize;
  std::string after;  // decoded sort key; empty for the first page
};

// Throws a 400 ApiError for a limit outside 1..kMaxPageSize or a cursor that was not made here.
PageRequest parse_page(const std::optional<std::string>& limit,
                       const std::optional<std::string>& cursor);
std::string encode_cursor(const std::string& key);

// {"items": items, "nextCursor": cursor after `last_key` or null}: a page shorter than `limit`
// is the last one.
nlohmann::json page_json(nlohmann::json items, const std::string& last_key, int limit);

}  // namespace od
