#include "engines/design2code/tokens.h"

#include <algorithm>

namespace od::design2code {

void Tokens::count(Kind kind, const std::string& value) {
  auto& e = entries_[{kind, value}];
  if (e.uses++ == 0) e.order = seen_++;
}

void Tokens::freeze() {
  std::vector<std::pair<const std::pair<Kind, std::string>*, Entry*>> repeated;
  for (auto& [key, entry] : entries_) {
    // A zero spacing reads better as 0 than as a variable.
    if (entry.uses >= 2 && !(key.first == Kind::kSpace && key.second == "0")) {
      repeated.push_back({&key, &entry});
    }
  }
  std::sort(repeated.begin(), repeated.end(),
            [](const auto& a, const auto& b) { return a.second->order < b.second->order; });
  int numbers[3] = {0, 0, 0};
  for (auto& [key, entry] : repeated) {
    static const char* kPrefix[] = {"--color-", "--font-", "--space-"};
    int k = static_cast<int>(key->first);
    entry->name = kPrefix[k] + std::to_string(++numbers[k]);
    declared_.emplace_back(entry->name, key->second);
  }
}

std::string Tokens::ref(Kind kind, const std::string& value) const {
  auto it = entries_.find({kind, value});
  if (it == entries_.end() || it->second.name.empty()) return value;
  return "var(" + it->second.name + ")";
}

css::Declarations Tokens::root() const {
  css::Declarations decls;
  for (const auto& [name, value] : declared_) decls.set(name, value);
  return decls;
}

}  // namespace od::design2code
