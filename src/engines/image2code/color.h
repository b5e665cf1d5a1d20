// Colour helpers over 8-bit BGR pictures: distances, dominant and median colours of a region,
// hex text. Dominant colour = the most populated cell of a coarse 3-D histogram, averaged, which
// is what a designer would call "the background" even with anti-aliasing and noise around.
#pragma once

#include <opencv2/core.hpp>
#include <string>

#include "engines/image2code/scene.h"

namespace od::image2code {

Rgb rgb_at(const cv::Mat& bgr, int x, int y);
// Largest per-channel difference: cheap, and matches how the eye notices a flat colour change.
int color_distance(const Rgb& a, const Rgb& b);
std::string hex(const Rgb& c);
double luminance(const Rgb& c);  // 0..255, Rec. 601

struct Dominant {
  Rgb color;
  double share = 0;  // fraction of the sampled pixels in the dominant cell
};
// Samples at most ~40k pixels of `area` (strided), so cost does not grow with the region. With a
// `mask` (8-bit, the size of `area`) only its set pixels count.
Dominant dominant_color(const cv::Mat& bgr, const cv::Rect& area, const cv::Mat& mask = {});
// The page's background: the dominant colour of its outer frame (8 px deep), which the page
// shows around its content even when white panels cover most of it.
Dominant page_background(const cv::Mat& bgr);
// Median per channel of the one-pixel ring just outside `box` (clipped to the picture): the
// colour that surrounds a word or an object.
Rgb ring_median(const cv::Mat& bgr, const cv::Rect& box);
// 8-bit mask of the pixels of `area` farther than `threshold` from `background`.
cv::Mat difference_mask(const cv::Mat& bgr, const cv::Rect& area, const Rgb& background,
                        int threshold);

}  // namespace od::image2code
