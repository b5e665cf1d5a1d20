// Stage 2b, structure: text and regions are placed into the deepest container holding them, then
// each container's children are cut recursively into rows and columns along the gaps between
// them (XY-cut). A run of children becomes auto-layout when it lines up the way auto-layout would
// place it: equal gaps along the axis (within a tolerance) and one alignment across it; anything
// else stays absolutely positioned, which reproduces the picture exactly.
#pragma once

#include <vector>

#include "engines/image2code/scene.h"

namespace od::image2code {

struct LayoutOptions {
  int tolerance = 2;  // px two gaps or edges may differ by and still count as equal
  int max_depth = 48;
};

// Puts every element of `items` into the container of `root` (recursively) that holds most of
// it; `root` keeps what no container holds.
void place_into_containers(Element& root, std::vector<Element> items);

// XY-cut and auto-layout inference for `parent` and everything under it.
void arrange(Element& parent, const LayoutOptions& options = {});

// Auto-layout for children already in order along one axis; nullopt when they do not line up.
std::optional<LayoutEstimate> infer_layout(const Element& parent, bool row,
                                           const LayoutOptions& options = {});

}  // namespace od::image2code
