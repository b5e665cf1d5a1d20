// Stage 3a, OCR: Tesseract's LSTM engine (English, the Debian data) finds text lines and words
// with their boxes. Only words Tesseract is confident about and that hold a letter or digit are
// kept: photographs and icons otherwise yield strings of punctuation.
#pragma once

#include <memory>
#include <opencv2/core.hpp>
#include <string>
#include <vector>

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

  // The whole picture, in strips, with automatic page layout analysis.
  std::vector<OcrLine> read_page(const cv::Mat& bgr);
  // One box read as a block of text (a button, a badge, a bar), inverted first when its
  // background is dark. Boxes come back in page coordinates.
  std::vector<OcrLine> read_region(const cv::Mat& bgr, const cv::Rect& box, bool dark_background);

 private:
  struct Api;
  OcrOptions options_;
  std::unique_ptr<Api> api_;
};

// read_page with a recogniser of its own.
std::vector<OcrLine> recognize_text(const cv::Mat& bgr, const OcrOptions& options = {});

}  // namespace od::image2code
