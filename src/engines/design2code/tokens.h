// Design tokens: colours, font families and spacings that a page uses more than once become
// CSS custom properties (--color-1, --font-1, --space-1) declared on :root, and every use refers
// to them. Two passes: count() everything, then freeze() and ref() while printing.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "engines/design2code/css.h"

namespace od::design2code {

class Tokens {
 public:
  enum class Kind { kColor, kFont, kSpace };

  void count(Kind kind, const std::string& value);
  // Names the values seen at least twice, numbered in order of first appearance.
  void freeze();
  // "var(--color-1)" for a token, else the value itself.
  std::string ref(Kind kind, const std::string& value) const;
  // The :root rule declaring every token (empty when there are none).
  css::Declarations root() const;

 private:
  struct Entry {
    int uses = 0;
    int order = 0;
    std::string name;
  };
  std::map<std::pair<Kind, std::string>, Entry> entries_;
  int seen_ = 0;
  std::vector<std::pair<std::string, std::string>> declared_;  // name, value
};

}  // namespace od::design2code
