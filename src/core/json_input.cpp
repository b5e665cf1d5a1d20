#include "core/json_input.h"

#include <algorithm>

#include "core/error.h"

namespace od::json_input {
namespace {

ApiError field_error(const char* key, const std::string& problem) {
  return validation_error(std::string("Field '") + key + "' " + problem,
                          {{"field", std::string("/") + key}, {"problem", problem}});
}

const nlohmann::json* lookup(const nlohmann::json& obj, const char* key, bool required) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) {
    if (required) throw field_error(key, "is required.");
    return nullptr;
  }
  return &*it;
}

}  // namespace

nlohmann::json parse_object(std::string_view body, int max_depth) {
  int current = 0;
  bool too_deep = false;
  // The callback sees every opening bracket, so depth is enforced while parsing: a hostile body
  // of a million '[' never builds a deep tree.
  auto guard = [&](int depth_now, nlohmann::json::parse_event_t event, nlohmann::json&) {
    if (event == nlohmann::json::parse_event_t::object_start ||
        event == nlohmann::json::parse_event_t::array_start) {
      current = depth_now + 1;
      if (current > max_depth) too_deep = true;
    }
    return !too_deep;
  };
  nlohmann::json value;
  try {
    value = nlohmann::json::parse(body.begin(), body.end(), guard);
  } catch (const nlohmann::json::parse_error& e) {
    if (too_deep) {
      throw validation_error("JSON nesting is deeper than " + std::to_string(max_depth) + ".",
                             {{"maxDepth", max_depth}});
    }
    throw ApiError(400, "malformed_json", "The request body is not valid JSON.",
                   {{"position", e.byte}});
  }
  if (too_deep) {
    throw validation_error("JSON nesting is deeper than " + std::to_string(max_depth) + ".",
                           {{"maxDepth", max_depth}});
  }
  if (!value.is_object()) {
    throw ApiError(400, "malformed_json", "The request body must be a JSON object.");
  }
  return value;
}

int depth(const nlohmann::json& value) {
  if (!value.is_structured()) return 0;
  int deepest = 0;
  for (const auto& child : value) deepest = std::max(deepest, depth(child));
  return deepest + 1;
}

size_t utf8_length(std::string_view s) {
  return static_cast<size_t>(
      std::count_if(s.begin(), s.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

std::optional<std::string> string_field(const nlohmann::json& obj, const char* key, bool required,
                                        size_t min_len, size_t max_len) {
  const nlohmann::json* v = lookup(obj, key, required);
  if (!v) return std::nullopt;
  if (!v->is_string()) throw field_error(key, "must be a string.");
  const auto& s = v->get_ref<const std::string&>();
  size_t n = utf8_length(s);
  if (n < min_len || n > max_len) {
    throw field_error(key, "must be " + std::to_string(min_len) + " to " + std::to_string(max_len) +
                               " characters long.");
  }
  return s;
}

std::optional<bool> bool_field(const nlohmann::json& obj, const char* key, bool required) {
  const nlohmann::json* v = lookup(obj, key, required);
  if (!v) return std::nullopt;
  if (!v->is_boolean()) throw field_error(key, "must be a boolean.");
  return v->get<bool>();
}

std::optional<int64_t> int_field(const nlohmann::json& obj, const char* key, bool required,
                                 int64_t min, int64_t max) {
  const nlohmann::json* v = lookup(obj, key, required);
  if (!v) return std::nullopt;
  if (!v->is_number_integer()) throw field_error(key, "must be an integer.");
  // An unsigned value beyond int64 is out of every range we accept.
  bool too_big = v->is_number_unsigned() && v->get<uint64_t>() > static_cast<uint64_t>(INT64_MAX);
  int64_t n = too_big ? 0 : v->get<int64_t>();
  if (too_big || n < min || n > max) {
    throw field_error(
        key, "must be between " + std::to_string(min) + " and " + std::to_string(max) + ".");
  }
  return n;
}

std::optional<std::vector<std::string>> string_array_field(const nlohmann::json& obj,
                                                           const char* key, size_t max_items,
                                                           size_t max_item_len) {
  const nlohmann::json* v = lookup(obj, key, false);
  if (!v) return std::nullopt;
  if (!v->is_array()) throw field_error(key, "must be an array of strings.");
  if (v->size() > max_items) {
    throw field_error(key, "may hold at most " + std::to_string(max_items) + " items.");
  }
  std::vector<std::string> out;
  for (const auto& item : *v) {
    if (!item.is_string()) throw field_error(key, "must be an array of strings.");
    const auto& s = item.get_ref<const std::string&>();
    size_t n = utf8_length(s);
    if (n == 0 || n > max_item_len) {
      throw field_error(key,
                        "items must be 1 to " + std::to_string(max_item_len) + " characters long.");
    }
    out.push_back(s);
  }
  return out;
}

void reject_unknown_fields(const nlohmann::json& obj, const std::vector<std::string>& allowed) {
  for (auto it = obj.begin(); it != obj.end(); ++it) {
    if (std::find(allowed.begin(), allowed.end(), it.key()) == allowed.end()) {
      throw validation_error("Unknown field '" + it.key() + "'.",
                             {{"field", "/" + it.key()}, {"problem", "is not a known field."}});
    }
  }
}

}  // namespace od::json_input
