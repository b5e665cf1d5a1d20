#include "assets/accept_format.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <sstream>

namespace od::assets {
namespace {

std::string trim_lower(std::string s) {
  s.erase(0, s.find_first_not_of(" \t"));
  s.erase(s.find_last_not_of(" \t") + 1);
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

struct Range {
  std::string type;  // "image/webp", "image/*", "*/*"
  double q = 1;
};

std::vector<Range> parse_accept(const std::string& header) {
  std::vector<Range> out;
  std::istringstream items(header.substr(0, 4096));
  std::string item;
  while (std::getline(items, item, ',')) {
    std::istringstream parts(item);
    std::string part;
    Range range;
    if (!std::getline(parts, part, ';')) continue;
    range.type = trim_lower(part);
    while (std::getline(parts, part, ';')) {
      part = trim_lower(part);
      if (part.starts_with("q=")) {
        char* end = nullptr;
        double q = std::strtod(part.c_str() + 2, &end);
        range.q = (end && *end == '\0' && q >= 0 && q <= 1) ? q : 0;
      }
    }
    if (!range.type.empty()) out.push_back(range);
  }
  return out;
}

// The q the client gives `type`: the most specific range that names it.
double quality(const std::vector<Range>& ranges, const std::string& type) {
  std::optional<double> exact, images, any;
  for (const auto& r : ranges) {
    if (r.type == type) exact = std::max(exact.value_or(0), r.q);
    if (r.type == "image/*") images = std::max(images.value_or(0), r.q);
    if (r.type == "*/*") any = std::max(any.value_or(0), r.q);
  }
  if (exact) return *exact;
  if (images) return *images;
  return any.value_or(0);
}

}  // namespace

std::optional<media::Format> negotiate_format(const std::optional<std::string>& accept,
                                              const std::vector<media::Format>& offered) {
  if (offered.empty()) return std::nullopt;
  if (!accept || trim_lower(*accept).empty()) return offered.front();
  auto ranges = parse_accept(*accept);
  std::optional<media::Format> best;
  double best_q = 0;
  for (auto format : offered) {
    double q = quality(ranges, media::format_content_type(format));
    if (q > best_q) best_q = q, best = format;
  }
  return best;
}

}  // namespace od::assets
