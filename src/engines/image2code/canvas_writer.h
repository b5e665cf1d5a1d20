// Last stage: the element tree becomes a canvas document (docs/canvas-schema.md), the format the
// editor opens and the design-to-code engine compiles. One top-level frame is the page; children
// sit relative to their parent; recognised components carry their role as a layer name and as
// the node property "semantic" (kept as metadata by the schema); the palette is the document's
// "tokens" property.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "engines/image2code/palette.h"
#include "engines/image2code/scene.h"

namespace od::image2code {

struct CanvasOptions {
  std::string name = "Screenshot";
  std::string font_family = "DejaVu Sans";  // the family the text metrics were measured for
};

nlohmann::json write_canvas(const Element& page, const std::vector<PaletteEntry>& palette,
                            int spacing_grid, const CanvasOptions& options = {});

}  // namespace od::image2code
