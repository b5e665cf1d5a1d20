// Recall pass for display type: large headings ("404", a hero title, white type on a pale band)
// that the page OCR pass misses come out of segmentation as rows of glyph-sized pictures on a
// flat background. Each such row is read again on its own at the size Tesseract reads best;
// when it reads confidently, its words replace the glyph pictures (and any fragment of the row
// the page pass did read).
#pragma once

#include <opencv2/core.hpp>
#include <vector>

#include "engines/image2code/scene.h"
#include "engines/image2code/text_recognizer.h"

namespace od::image2code {

struct DisplayTextOptions {
  int min_glyph_height = 18;   // smaller glyphs are the page pass's business
  int max_glyph_height = 240;  // taller "glyphs" are pictures
  int max_reads = 16;          // rows read per picture (each read costs ~10-40 ms)
  float min_confidence = 75;   // mean word confidence for a read to be believed
};

// Reads the glyph rows among `regions` (the segmentation's tree on a page of colour
// `background`), removes the pictures the words explain from the tree and the page-pass lines
// the rows replace from `lines`, and appends the new lines to `lines`.
void recall_display_text(std::vector<Element>& regions, const cv::Mat& bgr, const Rgb& background,
                         TextRecognizer& ocr, std::vector<OcrLine>& lines,
                         const DisplayTextOptions& options = {});

}  // namespace od::image2code
