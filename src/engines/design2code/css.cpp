#include "engines/design2code/css.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace od::design2code::css {

std::string number(double value) {
  double rounded = std::round(value * 100) / 100;
  if (rounded == 0) return "0";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.2f", rounded);
  std::string s = buf;
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  return s;
}

std::string px(double value) {
  std::string n = number(value);
  return n == "0" ? n : n + "px";
}

std::string color(const Color& c) {
  char buf[64];
  if (c.a >= 1) {
    std::snprintf(buf, sizeof buf, "#%02x%02x%02x", c.r, c.g, c.b);
  } else {
    std::snprintf(buf, sizeof buf, "rgba(%d, %d, %d, %s)", c.r, c.g, c.b, number(c.a).c_str());
  }
  return buf;
}

void Declarations::set(std::string property, std::string value) {
  for (auto& item : items_) {
    if (item.first == property) {
      item.second = std::move(value);
      return;
    }
  }
  items_.emplace_back(std::move(property), std::move(value));
}

void Declarations::erase_empty() {
  std::erase_if(items_, [](const auto& item) { return item.second.empty(); });
}

void StyleSheet::add_raw(std::string text) { raw_.push_back(std::move(text)); }

void StyleSheet::add_rule(std::string selector, Declarations decls) {
  if (!decls.empty()) rules_.push_back({std::move(selector), std::move(decls)});
}

void StyleSheet::add_media_rule(double max_width, std::string selector, Declarations decls) {
  if (decls.empty()) return;
  auto it = std::find_if(media_.begin(), media_.end(),
                         [&](const auto& m) { return m.first == max_width; });
  if (it == media_.end()) {
    media_.push_back({max_width, {}});
    it = media_.end() - 1;
  }
  it->second.push_back({std::move(selector), std::move(decls)});
}

namespace {

void print_rule(std::string& out, const std::string& indent, const std::string& selector,
                const Declarations& decls) {
  out += indent + selector + " {\n";
  for (const auto& [property, value] : decls.items()) {
    out += indent + "  " + property + ": " + value + ";\n";
  }
  out += indent + "}\n";
}

}  // namespace

std::string StyleSheet::str() const {
  std::string out;
  for (const auto& text : raw_) out += text + "\n";
  for (const auto& rule : rules_) {
    out += "\n";
    print_rule(out, "", rule.selector, rule.decls);
  }
  // Wider breakpoints first, so a narrower query later in the file wins where both match.
  auto media = media_;
  std::stable_sort(media.begin(), media.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  for (const auto& [width, rules] : media) {
    out += "\n@media (max-width: " + px(width) + ") {\n";
    for (size_t i = 0; i < rules.size(); ++i) {
      if (i) out += "\n";
      print_rule(out, "  ", rules[i].selector, rules[i].decls);
    }
    out += "}\n";
  }
  return out;
}

}  // namespace od::design2code::css
