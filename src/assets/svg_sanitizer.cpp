#include "assets/svg_sanitizer.h"

#include <algorithm>
#include <cctype>
#include <vector>

namespace od::assets {
namespace {

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// "svg:script" -> "script": namespace prefixes do not make an element harmless.
std::string local_name(std::string_view name) {
  size_t colon = name.rfind(':');
  return lower(colon == std::string_view::npos ? name : name.substr(colon + 1));
}

bool is_name_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == ':' || c == '-' || c == '_' ||
         c == '.';
}

bool dropped_element(const std::string& name) {
  for (const char* bad : {"script", "foreignobject", "style", "iframe", "embed", "object",
                          "handler", "listener", "audio", "video"}) {
    if (name == bad) return true;
  }
  return false;
}

// The value as a browser would see it for the checks: character references decoded (numeric
// ones included, a classic way to hide "javascript:"), whitespace and controls removed, lower
// case. Only used to decide; the original text is what is written out.
std::string normalised(std::string_view value) {
  std::string out;
  for (size_t i = 0; i < value.size(); ++i) {
    char c = value[i];
    if (c == '&') {
      size_t semi = value.find(';', i);
      if (semi != std::string_view::npos && semi - i < 12) {
        std::string ref = lower(value.substr(i + 1, semi - i - 1));
        long code = -1;
        if (ref.starts_with("#x")) {
          code = std::strtol(ref.c_str() + 2, nullptr, 16);
        } else if (ref.starts_with("#")) {
          code = std::strtol(ref.c_str() + 1, nullptr, 10);
        } else if (ref == "colon") {
          code = ':';
        } else if (ref == "lpar") {
          code = '(';
        } else if (ref == "num") {
          code = '#';
        }
        if (code >= 0) {
          if (code > 32 && code < 127) out.push_back(static_cast<char>(std::tolower(code)));
          i = semi;
          continue;
        }
      }
    }
    if (static_cast<unsigned char>(c) > 32) {
      out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    }
  }
  return out;
}

// url(...) that does not point into the document itself.
bool has_external_url(const std::string& value) {
  for (size_t at = value.find("url("); at != std::string::npos; at = value.find("url(", at + 4)) {
    size_t target = at + 4;
    while (target < value.size() && (value[target] == '"' || value[target] == '\'')) ++target;
    if (target >= value.size() || value[target] != '#') return true;
  }
  return false;
}

bool dangerous_attribute(const std::string& name, std::string_view raw_value) {
  std::string local = local_name(name);
  std::string value = normalised(raw_value);
  if (local.starts_with("on")) return true;
  if (local == "href" || local == "src" || local == "action" || local == "formaction") {
    return !value.starts_with("#");
  }
  if (local == "attributename") {
    std::string target = local_name(value);
    return target == "href" || target.starts_with("on");
  }
  return value.find("javascript:") != std::string::npos ||
         value.find("vbscript:") != std::string::npos || has_external_url(value) ||
         value.find("@import") != std::string::npos;
}

struct Tag {
  std::string name;
  std::vector<std::pair<std::string, std::string>> attributes;
  bool closing = false;
  bool self_closing = false;
};

// Parses the tag starting at data[at] == '<'; sets `at` past its '>'. False when malformed.
bool parse_tag(std::string_view data, size_t& at, Tag& tag) {
  size_t i = at + 1;
  if (i < data.size() && data[i] == '/') {
    tag.closing = true;
    ++i;
  }
  size_t name_start = i;
  while (i < data.size() && is_name_char(data[i])) ++i;
  if (i == name_start) return false;
  tag.name = std::string(data.substr(name_start, i - name_start));
  while (true) {
    while (i < data.size() && std::isspace(static_cast<unsigned char>(data[i]))) ++i;
    if (i >= data.size()) return false;
    if (data[i] == '>') {
      at = i + 1;
      return true;
    }
    if (data[i] == '/' && i + 1 < data.size() && data[i + 1] == '>') {
      tag.self_closing = true;
      at = i + 2;
      return true;
    }
    if (tag.closing) return false;
    size_t attr_start = i;
    while (i < data.size() && is_name_char(data[i])) ++i;
    if (i == attr_start) return false;
    std::string name(data.substr(attr_start, i - attr_start));
    while (i < data.size() && std::isspace(static_cast<unsigned char>(data[i]))) ++i;
    if (i >= data.size() || data[i] != '=') return false;  // XML: every attribute has a value
    ++i;
    while (i < data.size() && std::isspace(static_cast<unsigned char>(data[i]))) ++i;
    if (i >= data.size() || (data[i] != '"' && data[i] != '\'')) return false;
    char quote = data[i];
    size_t end = data.find(quote, i + 1);
    if (end == std::string_view::npos) return false;
    std::string value(data.substr(i + 1, end - i - 1));
    if (value.find('<') != std::string::npos) return false;  // not well-formed XML
    tag.attributes.emplace_back(std::move(name), std::move(value));
    i = end + 1;
  }
}

void write_tag(const Tag& tag, std::string& out) {
  out += '<';
  if (tag.closing) out += '/';
  out += tag.name;
  for (const auto& [name, value] : tag.attributes) {
    if (dangerous_attribute(name, value)) continue;
    out += ' ' + name + "=\"";
    for (char c : value) out += c == '"' ? std::string("&quot;") : std::string(1, c);
    out += '"';
  }
  out += tag.self_closing ? "/>" : ">";
}

}  // namespace

std::optional<std::string> sanitize_svg(std::string_view data) {
  std::string out;
  out.reserve(data.size());
  std::vector<std::string> open;  // names of the elements open at this point
  int skip_depth = 0;  // while > 0: inside the dropped element opened at this stack depth
  bool saw_svg = false;
  size_t at = 0;
  while (at < data.size()) {
    size_t lt = data.find('<', at);
    if (skip_depth == 0) out.append(data.substr(at, lt == std::string_view::npos ? lt : lt - at));
    if (lt == std::string_view::npos) break;
    at = lt;
    std::string_view rest = data.substr(at);
    if (rest.starts_with("<!--") || rest.starts_with("<![CDATA[") || rest.starts_with("<?")) {
      std::string_view close = rest.starts_with("<!--") ? "-->" : rest[1] == '?' ? "?>" : "]]>";
      size_t end = data.find(close, at + 2);
      if (end == std::string_view::npos) return std::nullopt;
      bool declaration = rest.starts_with("<?xml ") && !saw_svg;
      if (declaration && skip_depth == 0) out.append(data.substr(at, end + close.size() - at));
      at = end + close.size();
      continue;
    }
    if (rest.starts_with("<!")) {  // doctype, with an optional internal subset [ ... ]
      size_t bracket = data.find('[', at);
      size_t gt = data.find('>', at);
      if (gt == std::string_view::npos) return std::nullopt;
      if (bracket != std::string_view::npos && bracket < gt) {
        gt = data.find("]>", bracket);
        if (gt == std::string_view::npos) return std::nullopt;
        ++gt;
      }
      at = gt + 1;
      continue;
    }
    Tag tag;
    if (!parse_tag(data, at, tag)) return std::nullopt;
    // Well-formedness is enforced (every close matches the open element), so the sanitiser and
    // a browser agree on where a dropped element ends.
    bool was_skipping = skip_depth > 0;
    if (tag.closing) {
      if (open.empty() || open.back() != tag.name) return std::nullopt;
      open.pop_back();
      if (was_skipping) {
        if (open.size() < static_cast<size_t>(skip_depth)) skip_depth = 0;
        continue;
      }
    } else {
      if (!tag.self_closing) open.push_back(tag.name);
      if (was_skipping) continue;
      if (dropped_element(local_name(tag.name))) {
        if (!tag.self_closing) skip_depth = static_cast<int>(open.size());
        continue;
      }
      if (local_name(tag.name) == "svg") saw_svg = true;
    }
    write_tag(tag, out);
  }
  if (!open.empty() || !saw_svg) return std::nullopt;
  return out;
}

}  // namespace od::assets
