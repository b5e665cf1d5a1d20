// Parsing and validating untrusted JSON request bodies. Every failure is a 400 ApiError whose
// details name the JSON pointer of the offending field, so clients can point at it.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace od::json_input {

inline constexpr int kDefaultMaxDepth = 64;

// Parses `body` as a JSON object. Rejects malformed JSON, invalid UTF-8, nesting deeper than
// `max_depth`, and anything that is not an object.
nlohmann::json parse_object(std::string_view body, int max_depth = kDefaultMaxDepth);

// Depth of a parsed value (a scalar is 0, {} or [] is 1).
int depth(const nlohmann::json& value);

// Field readers: the field at `key` of `obj`; `required` fields must be present and non-null.
// Strings are length-checked in Unicode code points.
std::optional<std::string> string_field(const nlohmann::json& obj, const char* key, bool required,
                                        size_t min_len, size_t max_len);
std::optional<bool> bool_field(const nlohmann::json& obj, const char* key, bool required);
std::optional<int64_t> int_field(const nlohmann::json& obj, const char* key, bool required,
                                 int64_t min, int64_t max);
// An array of strings, each 1..max_item_len code points, at most max_items of them.
std::optional<std::vector<std::string>> string_array_field(const nlohmann::json& obj,
                                                           const char* key, size_t max_items,
                                                           size_t max_item_len);
// Rejects fields outside `allowed`, so typos do not silently do nothing.
void reject_unknown_fields(const nlohmann::json& obj, const std::vector<std::string>& allowed);

size_t utf8_length(std::string_view s);

}  // namespace od::json_input
