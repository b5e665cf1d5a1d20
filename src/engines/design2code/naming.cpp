#include "engines/design2code/naming.h"

namespace od::design2code {

std::string slugify(std::string_view name, std::string_view fallback) {
  constexpr size_t kMaxLength = 40;
  std::string out;
  bool hyphen = false;
  for (unsigned char c : name) {
    if (out.size() >= kMaxLength) break;
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
      if (hyphen && !out.empty()) out += '-';
      out += static_cast<char>(c);
      hyphen = false;
    } else if (c >= 'A' && c <= 'Z') {
      if (hyphen && !out.empty()) out += '-';
      out += static_cast<char>(c - 'A' + 'a');
      hyphen = false;
    } else {
      hyphen = true;
    }
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  if (out.empty()) return std::string(fallback);
  // CSS class selectors cannot start with a digit.
  if (out[0] >= '0' && out[0] <= '9') return std::string(fallback) + "-" + out;
  return out;
}

std::string NameRegistry::unique(const std::string& base) {
  int& count = used_[base];
  ++count;
  if (count == 1) return base;
  // "card-2" might itself be a layer's name; keep counting until the candidate is free.
  while (true) {
    std::string candidate = base + "-" + std::to_string(count);
    if (!used_.count(candidate)) {
      used_[candidate] = 1;
      return candidate;
    }
    ++count;
  }
}

}  // namespace od::design2code
