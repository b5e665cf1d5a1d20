#include "engines/image2code/misread_glyphs.h"

#include <algorithm>

namespace od::image2code {

void fix_misread_glyphs(OcrLine& line) {
  for (auto& w : line.words) {
    const cv::Rect& b = w.box;
    // The bar of "I" ends on the baseline, give or take a pixel of anti-aliasing; it is thin.
    if (w.text == "|" && b.br().y <= line.baseline + std::max(2, b.height / 10) &&
        b.width * 3 <= b.height) {
      w.text = "I";
    } else if (w.text == "-" && b.width <= 1.5 * b.height) {
      w.text = "·";  // U+00B7
    }
    while (w.text.size() > 1 && w.text.back() == '~') w.text.pop_back();
  }
  std::erase_if(line.words, [](const OcrWord& w) { return w.text == "~"; });
}

}  // namespace od::image2code
