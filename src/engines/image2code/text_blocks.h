// Stage 3b, typography: OCR lines become text elements the way a designer would make them.
// Lines split where words stand far apart (menu items, table cells), consecutive lines of one
// style merge into paragraphs, and each block gets a measured style: font size from glyph
// metrics (which letters reach the ascender or descender line), weight from stroke width, colour
// from the text pixels against their surroundings, alignment and line height from the lines.
#pragma once

#include <opencv2/core.hpp>
#include <string>
#include <vector>

#include "engines/image2code/scene.h"
#include "engines/image2code/text_recognizer.h"

namespace od::image2code {

// The font the generated page falls back to (DejaVu Sans on Debian): its vertical metrics, as
// fractions of the em, turn ink heights into font sizes and baselines into box tops.
struct FontMetrics {
  double ascender_line = 0.76;  // b d f h k l and capitals reach about here
  double x_height = 0.547;
  double descender = 0.236;  // g j p q y
  double ascent = 0.928;     // the font's line-box ascent and descent (hhea)
  double descent = 0.236;
};

// Font size in px from the words' boxes, knowing which letters they hold.
double estimate_font_size(const std::vector<OcrWord>& words, const FontMetrics& metrics = {});

// Stroke width in px of the ink in `box` (mean 2 x area / perimeter of the text pixels).
double estimate_stroke_width(const cv::Mat& bgr, const cv::Rect& box);

// Colour of the text pixels in `box`: the pixels farthest from the surrounding colour; with a
// `polarity` (+1 lighter, -1 darker than the surroundings, OcrLine::polarity) only those.
Rgb estimate_text_color(const cv::Mat& bgr, const cv::Rect& box, int polarity = 0);

struct TextBlockOptions {
  FontMetrics metrics;
  // Bold when the stroke is at least this fraction of the font size (DejaVu Sans: Book 0.09,
  // Bold 0.15).
  double bold_stroke_ratio = 0.118;
};

// Text elements (kind kText) with page-coordinate boxes sized for the fallback font.
std::vector<Element> build_text_blocks(const cv::Mat& bgr, const std::vector<OcrLine>& lines,
                                       const TextBlockOptions& options = {});

}  // namespace od::image2code
