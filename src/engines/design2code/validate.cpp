#include "engines/design2code/validate.h"

#include <cmath>
#include <functional>
#include <map>
#include <set>
#include <utility>

#include "engines/design2code/document.h"

namespace od::design2code {
namespace {

std::string summarize(const std::vector<Issue>& issues) {
  std::string out = "invalid canvas document";
  for (const auto& issue : issues) {
    out += "\n  " + (issue.path.empty() ? std::string("/") : issue.path) + ": " + issue.message;
  }
  return out;
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<Color> parse_hex(const std::string& s) {
  if (s.empty() || s[0] != '#') return std::nullopt;
  std::string hex = s.substr(1);
  for (char c : hex) {
    if (hex_digit(c) < 0) return std::nullopt;
  }
  if (hex.size() == 3) hex = {hex[0], hex[0], hex[1], hex[1], hex[2], hex[2]};
  if (hex.size() != 6 && hex.size() != 8) return std::nullopt;
  auto byte = [&](size_t i) { return hex_digit(hex[i]) * 16 + hex_digit(hex[i + 1]); };
  Color c{byte(0), byte(2), byte(4), 1};
  // Alpha is rounded to 3 decimals so the same colour always prints the same way.
  if (hex.size() == 8) c.a = std::round(byte(6) / 255.0 * 1000) / 1000;
  return c;
}

const char* type_word(const nlohmann::json& v) {
  if (v.is_null()) return "null";
  if (v.is_boolean()) return "a boolean";
  if (v.is_number()) return "a number";
  if (v.is_string()) return "a string";
  if (v.is_array()) return "an array";
  return "an object";
}

}  // namespace

InvalidDocument::InvalidDocument(std::vector<Issue> issues)
    : std::runtime_error(summarize(issues)), issues_(std::move(issues)) {}

void Issues::add(const std::string& path, const std::string& message) {
  list_.push_back({path, message});
  if (list_.size() >= cap_) {
    list_.push_back({"", "too many problems; stopped after " + std::to_string(cap_)});
    throw InvalidDocument(std::move(list_));
  }
}

void Issues::throw_if_any() {
  if (!list_.empty()) throw InvalidDocument(std::move(list_));
}

std::string pointer_token(const std::string& key) {
  std::string out;
  for (char c : key) {
    if (c == '~')
      out += "~0";
    else if (c == '/')
      out += "~1";
    else
      out += c;
  }
  return out;
}

const nlohmann::json* Reader::find(const char* key) const {
  auto it = obj_.find(key);
  if (it == obj_.end() || it->is_null()) return nullptr;
  return &*it;
}

void Reader::fail(const char* key, const std::string& message) const {
  issues_.add(at(key), message);
}

std::optional<double> Reader::number(const char* key, double min, double max) const {
  const auto* v = find(key);
  if (!v) return std::nullopt;
  if (!v->is_number()) {
    fail(key, std::string("must be a number, not ") + type_word(*v));
    return std::nullopt;
  }
  double d = v->get<double>();
  // nlohmann never yields NaN or infinity from text, but documents built in memory might.
  if (!std::isfinite(d) || d < min || d > max) {
    fail(key,
         "must be between " + nlohmann::json(min).dump() + " and " + nlohmann::json(max).dump());
    return std::nullopt;
  }
  return d;
}

std::optional<bool> Reader::boolean(const char* key) const {
  const auto* v = find(key);
  if (!v) return std::nullopt;
  if (!v->is_boolean()) {
    fail(key, std::string("must be a boolean, not ") + type_word(*v));
    return std::nullopt;
  }
  return v->get<bool>();
}

std::optional<std::string> Reader::string(const char* key, size_t max_bytes) const {
  const auto* v = find(key);
  if (!v) return std::nullopt;
  if (!v->is_string()) {
    fail(key, std::string("must be a string, not ") + type_word(*v));
    return std::nullopt;
  }
  const auto& s = v->get_ref<const std::string&>();
  if (s.size() > max_bytes) {
    fail(key, "is longer than " + std::to_string(max_bytes) + " bytes");
    return std::nullopt;
  }
  for (unsigned char c : s) {
    // Control characters other than tab and newline have no place in a design and could hide
    // content from reviewers of the generated code.
    if (c < 0x20 && c != '\n' && c != '\t') {
      fail(key, "contains a control character");
      return std::nullopt;
    }
  }
  return s;
}

std::optional<std::string> Reader::one_of(const char* key,
                                          const std::vector<std::string>& allowed) const {
  auto s = string(key, limits_.max_name_bytes);
  if (!s) return std::nullopt;
  for (const auto& a : allowed) {
    if (*s == a) return s;
  }
  std::string list;
  for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
  fail(key, "must be one of " + list);
  return std::nullopt;
}

std::optional<Color> Reader::color(const char* key) const {
  auto s = string(key, 16);
  if (!s) return std::nullopt;
  auto c = parse_hex(*s);
  if (!c) fail(key, "must be a colour like #rrggbb or #rrggbbaa");
  return c;
}

const nlohmann::json* Reader::array(const char* key) const {
  const auto* v = find(key);
  if (!v) return nullptr;
  if (!v->is_array()) {
    fail(key, std::string("must be an array, not ") + type_word(*v));
    return nullptr;
  }
  if (v->size() > limits_.max_array_items) {
    fail(key, "has more than " + std::to_string(limits_.max_array_items) + " items");
    return nullptr;
  }
  return v;
}

const nlohmann::json* Reader::object(const char* key) const {
  const auto* v = find(key);
  if (!v) return nullptr;
  if (!v->is_object()) {
    fail(key, std::string("must be an object, not ") + type_word(*v));
    return nullptr;
  }
  return v;
}

void validate_references(const Document& doc, Issues& issues) {
  std::set<std::string> ids;
  // Each component's direct and nested instance targets, for the recursion check below.
  std::map<std::string, std::set<std::string>> uses;
  std::function<void(const Node&, const std::string*)> walk = [&](const Node& node,
                                                                  const std::string* owner) {
    if (!ids.insert(node.id).second) {
      issues.add(node.pointer + "/id", "duplicates the id '" + node.id + "' of another node");
    }
    if (node.type == NodeType::kInstance) {
      if (!doc.components.count(node.component_id)) {
        issues.add(node.pointer + "/componentId",
                   "names no component in this document ('" + node.component_id + "')");
      } else if (owner) {
        uses[*owner].insert(node.component_id);
      }
    }
    const std::string* next = node.type == NodeType::kComponent ? &node.id : owner;
    for (const auto& child : node.children) walk(child, next);
  };
  for (const auto& node : doc.children) walk(node, nullptr);

  // A component reached again from itself would expand forever. Iterative depth-first search
  // with colours: a chain of thousands of components must not exhaust the stack.
  std::map<std::string, int> state;  // 0 new, 1 on the path, 2 done
  for (const auto& [root, component] : doc.components) {
    if (state[root] != 0) continue;
    std::vector<std::pair<std::string, std::set<std::string>::const_iterator>> path;
    state[root] = 1;
    path.emplace_back(root, uses[root].cbegin());
    while (!path.empty()) {
      auto& [id, next] = path.back();
      if (next == uses[id].cend()) {
        state[id] = 2;
        path.pop_back();
        continue;
      }
      const std::string target = *next++;
      if (state[target] == 1) {
        issues.add(doc.components.at(target)->pointer,
                   "component '" + target + "' contains an instance of itself");
        state[target] = 2;  // report each cycle once
      } else if (state[target] == 0) {
        state[target] = 1;
        path.emplace_back(target, uses[target].cbegin());
      }
    }
  }
}

}  // namespace od::design2code
