// CSS text for the HTML generator: numbers and colours printed one way only (so output is
// byte-for-byte deterministic), and a style sheet of class rules and media queries that prints
// itself formatted.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "engines/design2code/color.h"

namespace od::design2code::css {

// At most two decimals, no trailing zeros, no "-0": 12, 12.5, 0.33.
std::string number(double value);
std::string px(double value);  // "0" or "12px"
// "#1a2b3c", or "rgba(26, 43, 60, 0.5)" when not opaque.
std::string color(const Color& c);

// Declarations of one rule, in insertion order (the order the generator chose).
class Declarations {
 public:
  void set(std::string property, std::string value);
  // Drops declarations whose value is empty (placeholders that fix an order, never filled).
  void erase_empty();
  bool empty() const { return items_.empty(); }
  const std::vector<std::pair<std::string, std::string>>& items() const { return items_; }

 private:
  std::vector<std::pair<std::string, std::string>> items_;
};

class StyleSheet {
 public:
  void add_raw(std::string text);  // fixed prelude such as the reset
  void add_rule(std::string selector, Declarations decls);
  void add_media_rule(double max_width, std::string selector, Declarations decls);
  std::string str() const;

 private:
  struct Rule {
    std::string selector;
    Declarations decls;
  };
  std::vector<std::string> raw_;
  std::vector<Rule> rules_;
  std::vector<std::pair<double, std::vector<Rule>>> media_;  // widest first when printed
};

}  // namespace od::design2code::css
