// Class names from layer names: slugified to [a-z0-9-], and de-duplicated across one output so
// each generated element can be styled on its own ("card", "card-2", ...).
#pragma once

#include <map>
#include <string>
#include <string_view>

namespace od::design2code {

// "Hero Title!" -> "hero-title"; ASCII letters and digits kept, runs of anything else become one
// hyphen; at most 40 characters. Empty or digit-leading results use `fallback` as prefix.
std::string slugify(std::string_view name, std::string_view fallback);

class NameRegistry {
 public:
  // A name not handed out before: `base`, else `base-2`, `base-3`, ...
  std::string unique(const std::string& base);

 private:
  std::map<std::string, int> used_;
};

}  // namespace od::design2code
