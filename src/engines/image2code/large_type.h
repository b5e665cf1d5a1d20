// Second read of large type the page pass did read, but misread. The page pass draws every
// pixel's distance from its 31 px neighbourhood's median; in a line of heavy type taller than
// about half that window, the strokes are the median, so their middles come out hollow and
// Tesseract reads the holes: "o" with a bar across is "e" ("Shep in style", "Ceming Seen"), and
// words of the line drop out as unsure. Each such line is read again on its own against the
// flat colour around it (TextRecognizer::read_display_line), and the read that holds more
// confident text wins.
#pragma once

#include <opencv2/core.hpp>
#include <vector>

#include "engines/image2code/text_recognizer.h"

namespace od::image2code {

struct LargeTypeOptions {
  // Lines whose tallest word is at least this high (px) are read again: the page pass reads
  // smaller type whole (strokes under ~15 px stay solid in a 31 px window).
  int min_word_height = 24;
  int max_reads = 12;  // lines read again per picture (each read costs ~10-40 ms)
};

// Replaces, in `lines` (the page pass's), each large line whose second read holds more
// confident text (sum over its words of confidence x letters) with that read.
void reread_large_type(const cv::Mat& bgr, TextRecognizer& ocr, std::vector<OcrLine>& lines,
                       const LargeTypeOptions& options = {});

}  // namespace od::image2code
