// Dominant colours of a picture by median cut: the pixels are split, again and again, at the
// median of the colour channel along which the fullest box spreads most, until there are
// `max_colours` boxes or no box can be split. Each box gives its mean colour and its share of the
// pixels. Deterministic (no random seeds), so one image always gets the same palette.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace od::media {

struct Swatch {
  uint8_t r = 0, g = 0, b = 0;
  double share = 0;  // fraction of the pixels, 0..1

  std::string hex() const;  // "#rrggbb"
};

// `rgb` holds `pixels` packed 8-bit RGB triples. Largest share first; empty for no pixels.
std::vector<Swatch> dominant_colours(const uint8_t* rgb, size_t pixels, int max_colours = 8);

}  // namespace od::media
