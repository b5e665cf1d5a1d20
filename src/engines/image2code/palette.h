// Stage 7, tokens: the colours of all elements gather into a small palette (colours closer than
// a just-noticeable step become one, the most used standing for the rest) and every element is
// snapped to it; auto-layout gaps and paddings snap to a 4 or 8 px grid when the design clearly
// uses one (most of its spacings already sit on it).
#pragma once

#include <vector>

#include "engines/image2code/scene.h"

namespace od::image2code {

struct PaletteEntry {
  Rgb color;
  double weight = 0;  // px^2 of area painted with it (text: its box)
};

// Returns the palette, most used first, after snapping `root`'s colours to it.
std::vector<PaletteEntry> snap_colors(Element& root, int merge_distance = 6);

// Returns the grid (4 or 8) spacings were snapped to, or 0 when no grid is evident.
int snap_spacing(Element& root);

}  // namespace od::image2code
