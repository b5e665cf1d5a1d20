#include "engines/image2code/large_type.h"

#include <algorithm>
#include <cctype>

#include "engines/image2code/color.h"

namespace od::image2code {
namespace {

// How much confident text a read holds: confidence x letters and digits, summed over words. A
// read that keeps more words, or the same words surer, holds more.
double confident_text(const std::vector<OcrLine>& lines) {
  double sum = 0;
  for (const auto& l : lines) {
    for (const auto& w : l.words) {
      long letters = std::count_if(w.text.begin(), w.text.end(),
                                   [](unsigned char c) { return std::isalnum(c) || c >= 0x80; });
      sum += w.confidence * double(letters);
    }
  }
  return sum;
}

int tallest_word(const OcrLine& line) {
  int tallest = 0;
  for (const auto& w : line.words) tallest = std::max(tallest, w.box.height);
  return tallest;
}

}  // namespace

void reread_large_type(const cv::Mat& bgr, TextRecognizer& ocr, std::vector<OcrLine>& lines,
                       const LargeTypeOptions& options) {
  int reads_left = options.max_reads;
  std::vector<OcrLine> out;
  out.reserve(lines.size());
  for (auto& line : lines) {
    int height = tallest_word(line);
    if (height < options.min_word_height || reads_left <= 0) {
      out.push_back(std::move(line));
      continue;
    }
    --reads_left;
    // A margin for glyphs the line's box clips; less of it vertically, where the next line of
    // a wrapped heading is close.
    int dx = std::max(4, height / 4), dy = std::max(3, height / 8);
    cv::Rect box = cv::Rect(line.box.x - dx, line.box.y - dy, line.box.width + 2 * dx,
                            line.box.height + 2 * dy) &
                   cv::Rect(0, 0, bgr.cols, bgr.rows);
    std::vector<OcrLine> read =
        ocr.read_display_line(bgr, box, ring_median(bgr, box), std::max(height, line.box.height));
    if (confident_text(read) > confident_text({line})) {
      for (auto& l : read) out.push_back(std::move(l));
    } else {
      out.push_back(std::move(line));
    }
  }
  lines = std::move(out);
}

}  // namespace od::image2code
