#include "assets/byte_range.h"

#include <charconv>

namespace od::assets {
namespace {

std::optional<uint64_t> number(std::string_view text) {
  uint64_t value = 0;
  if (text.empty() || text.size() > 19) return std::nullopt;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace

RangeRequest parse_range(std::optional<std::string_view> header, uint64_t size) {
  RangeRequest whole;
  if (!header || !header->starts_with("bytes=")) return whole;
  std::string_view spec = header->substr(6);
  if (spec.find(',') != std::string_view::npos) return whole;
  size_t dash = spec.find('-');
  if (dash == std::string_view::npos) return whole;
  auto first = number(spec.substr(0, dash));
  auto last = number(spec.substr(dash + 1));
  RangeRequest r;
  r.kind = RangeRequest::Kind::Partial;
  if (!first) {  // suffix: the last n bytes
    if (dash != 0 || !last) return whole;
    if (*last == 0 || size == 0) return {RangeRequest::Kind::Unsatisfiable};
    r.first = *last >= size ? 0 : size - *last;
    r.last = size - 1;
    return r;
  }
  if (dash + 1 < spec.size() && !last) return whole;
  if (last && *last < *first) return whole;
  if (*first >= size) return {RangeRequest::Kind::Unsatisfiable};
  r.first = *first;
  r.last = last ? std::min(*last, size - 1) : size - 1;
  return r;
}

}  // namespace od::assets
