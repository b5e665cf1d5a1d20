// An sRGB colour with alpha, as canvas documents write it ("#rrggbb" or "#rrggbbaa").
#pragma once

#include <tuple>

namespace od::design2code {

struct Color {
  int r = 0, g = 0, b = 0;  // 0..255
  double a = 1;             // 0..1
  bool operator<(const Color& o) const {
    return std::tie(r, g, b, a) < std::tie(o.r, o.g, o.b, o.a);
  }
  bool operator==(const Color& o) const = default;
};

}  // namespace od::design2code
