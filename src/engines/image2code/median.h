// The median of a list of measurements (the upper middle one of an even count; T{} for none):
// the engine takes medians of glyph boxes, gaps and pixel colours to shrug off outliers.
#pragma once

#include <algorithm>
#include <vector>

namespace od::image2code {

template <typename T>
T median(std::vector<T> values) {
  if (values.empty()) return T{};
  auto middle = values.begin() + values.size() / 2;
  std::nth_element(values.begin(), middle, values.end());
  return *middle;
}

}  // namespace od::image2code
