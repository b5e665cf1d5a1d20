// Stage 2 and 4, regions and shapes: the parts of a picture that stand out from their
// background. Inside an area of known background colour, the pixels that differ form connected
// regions; each becomes a divider (thin bar), a container (a flat rectangle of one colour, or a
// bordered box, searched again inside with its own colour as background: the recursion that nests
// cards in sections in pages) or a picture (anything textured or irregular: photos, icons, logos).
// Text must be erased first (erase_text) so glyphs do not fragment the regions.
#pragma once

#include <opencv2/core.hpp>
#include <optional>
#include <vector>

#include "engines/image2code/scene.h"
#include "engines/image2code/text_recognizer.h"

namespace od::image2code {

struct SegmentOptions {
  int threshold = 12;       // colour distance that separates a region from its background
  int max_depth = 10;       // containers nested deeper are kept flat
  int max_elements = 4000;  // regions per picture; beyond it the smallest are dropped
};

// A copy of `bgr` where every word box is painted with the colour around it.
cv::Mat erase_text(const cv::Mat& bgr, const std::vector<OcrLine>& lines);

// Regions inside `area` on `background`, largest first, containers holding their own regions.
// Which pixels differ from a background is judged on `mask_source` when given (the picture with
// a background gradient taken out); colours always come from `bgr`.
std::vector<Element> segment_regions(const cv::Mat& bgr, const cv::Rect& area,
                                     const Rgb& background, const SegmentOptions& options = {},
                                     const cv::Mat& mask_source = {});

// A top-to-bottom background gradient, as page backgrounds often are: the colour of the page's
// left and right edges row by row, when it drifts smoothly far enough to matter.
struct VerticalGradient {
  Rgb top, bottom;
  std::vector<Rgb> rows;  // background colour of each row
};
std::optional<VerticalGradient> find_vertical_gradient(const cv::Mat& bgr);
// `bgr` with each row shifted so the gradient's background becomes `gradient.top` everywhere.
cv::Mat flatten_gradient(const cv::Mat& bgr, const VerticalGradient& gradient);

// Areas of `area` dense with strong edges (photographs, textured backgrounds), as page
// rectangles fitted to the pixels of `mask` (those differing from the background).
std::vector<cv::Rect> textured_areas(const cv::Mat& bgr, const cv::Rect& area, const cv::Mat& mask);

// Shape estimates of a filled rectangular region (its mask in `mask`, the component's pixels
// set): corner radius from the pixels missing at the corners, border from the edge colour,
// drop shadow from the darkening just outside. Exposed for tests.
double estimate_corner_radius(const cv::Mat& mask);
void estimate_border(const cv::Mat& bgr, Element& container);
void estimate_shadow(const cv::Mat& bgr, const Rgb& background, Element& container);

}  // namespace od::image2code
