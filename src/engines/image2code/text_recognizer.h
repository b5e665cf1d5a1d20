// Stage 3a, OCR: Tesseract's LSTM engine (English, the Debian data) finds text lines and words
// with their boxes. Only words Tesseract is confident about and that hold a letter or digit are
// kept: photographs and icons otherwise yield strings of punctuation.
#pragma once

#include <memory>
#include <opencv2/core.hpp>
#include <string>
#include <vector>

#include "engines/image2code/scene.h"

namespace od::image2code {

struct OcrWord {
  std::string text;  // UTF-8
  cv::Rect box;
  float confidence = 0;  // 0..100
};

struct OcrLine {
  std::vector<OcrWord> words;
  cv::Rect box;
  int baseline = 0;  // y of the baseline at the line's left end, page coordinates
  // Tesseract's row statistics from its blobs (0 when unknown): x-height and how far ascenders
  // rise above it, in px.
  float x_height = 0, ascenders = 0;
  // +1 when the line was read as ink lighter than its background, -1 darker, 0 either way: a
  // dark shadow behind white type must not be taken for the type's colour.
  int polarity = 0;
};

struct OcrOptions {
  float min_confidence = 55;
  // Where the language data lives; empty: Tesseract's compiled-in default (Debian's path).
  std::string data_path;
};

// One Tesseract instance (loading the model costs ~0.2 s, so a picture's reads share it).
// Throws std::runtime_error when Tesseract or its English data cannot be loaded. Not for use
// from two threads at once.
class TextRecognizer {
 public:
  explicit TextRecognizer(const OcrOptions& options = {});
  ~TextRecognizer();
  TextRecognizer(const TextRecognizer&) = delete;
  TextRecognizer& operator=(const TextRecognizer&) = delete;

  // The whole picture, in strips, with automatic page layout analysis; words Tesseract is
  // unsure of but that look like words are read again alone (a second look, at most 40).
  std::vector<OcrLine> read_page(const cv::Mat& bgr);
  // One box read as a block of text (a button, a badge, a bar), inverted first when its
  // background is dark. Boxes come back in page coordinates.
  std::vector<OcrLine> read_region(const cv::Mat& bgr, const cv::Rect& box, bool dark_background);
  // One line of large type (a display heading) on a flat `background`, read alone at the size
  // Tesseract reads best (glyphs ~40 px high) and with ink of either polarity made dark on white:
  // the page pass misses such headings (thick strokes come out hollow in its local-contrast
  // picture, and its layout analysis takes big glyphs for pictures). `glyph_height` is the
  // height of the glyphs in `box`. Boxes come back in page coordinates.
  std::vector<OcrLine> read_display_line(const cv::Mat& bgr, const cv::Rect& box,
                                         const Rgb& background, int glyph_height);

 private:
  struct Api;
  // Reads an 8-bit dark-on-white picture of `box` scaled by `scale`, in page segmentation mode
  // `psm`, into page-coordinate lines.
  std::vector<OcrLine> read_scaled(cv::Mat gray, const cv::Rect& box, double scale, int psm);

  OcrOptions options_;
  std::unique_ptr<Api> api_;
};

// read_page with a recogniser of its own.
std::vector<OcrLine> recognize_text(const cv::Mat& bgr, const OcrOptions& options = {});

}  // namespace od::image2code
