#include "engines/image2code/text_recognizer.h"

#include <tesseract/baseapi.h>
#include <tesseract/resultiterator.h>

#include <algorithm>
#include <memory>
#include <opencv2/imgproc.hpp>
#include <stdexcept>

// Tesseract parallelises with OpenMP (num_threads clauses that omp_set_num_threads cannot
// override); its spinning threads cost 4x the CPU time of one core for the same page. With no
// active parallel level allowed, every region runs on the calling thread. Weak: the symbol
// comes from libgomp through libtesseract, when Tesseract was built with OpenMP at all.
extern "C" void omp_set_max_active_levels(int) __attribute__((weak));

namespace od::image2code {
namespace {

bool has_alnum(const std::string& s) {
  for (unsigned char c : s) {
    if (std::isalnum(c) || c >= 0x80) return true;
  }
  return false;
}

// Tesseract binarises the page globally, so light text on a dark button or band comes out as a
// hole in a black blob and is never read. Measuring every pixel against its neighbourhood's
// median (the local background, as text covers little of a 31 px window) and drawing the
// difference dark on white gives dark text on white everywhere, whatever its colours. (Inverting
// where the median is dark instead loses text on textured backgrounds: measured, worse.)
cv::Mat polarity_free(const cv::Mat& bgr) {
  cv::Mat gray, background, diff;
  cv::cvtColor(bgr, gray, cv::COLOR_BGR2GRAY);
  cv::medianBlur(gray, background, 31);
  cv::absdiff(gray, background, diff);
  cv::Mat out;
  diff.convertTo(out, CV_8U, -1.6, 255);  // 255 - 1.6 x difference, saturated
  return out;
}

struct TessDeleter {
  void operator()(tesseract::TessBaseAPI* api) const {
    api->End();
    delete api;
  }
};

}  // namespace

std::vector<OcrLine> recognize_text(const cv::Mat& bgr, const OcrOptions& options) {
  if (omp_set_max_active_levels) omp_set_max_active_levels(0);
  std::unique_ptr<tesseract::TessBaseAPI, TessDeleter> api(new tesseract::TessBaseAPI());
  if (api->Init(options.data_path.empty() ? nullptr : options.data_path.c_str(), "eng",
                tesseract::OEM_LSTM_ONLY) != 0) {
    throw std::runtime_error("Tesseract could not load its English data (tesseract-ocr-eng)");
  }
  cv::Mat gray = polarity_free(bgr);
  api->SetPageSegMode(tesseract::PSM_AUTO);
  // Screens are 96 dpi-ish; saying so keeps Tesseract from guessing and warning on stderr.
  api->SetVariable("user_defined_dpi", "96");
  api->SetVariable("debug_file", "/dev/null");
  // The picture is already dark-on-light everywhere (polarity_free): no second, inverted pass.
  api->SetVariable("tessedit_do_invert", "0");
  api->SetImage(gray.data, gray.cols, gray.rows, 1, static_cast<int>(gray.step));
  if (api->Recognize(nullptr) != 0) return {};

  std::vector<OcrLine> lines;
  std::unique_ptr<tesseract::ResultIterator> it(api->GetIterator());
  if (!it) return lines;
  do {
    if (it->Empty(tesseract::RIL_TEXTLINE)) continue;
    OcrLine line;
    int x1, y1, x2, y2;
    if (!it->BoundingBox(tesseract::RIL_TEXTLINE, &x1, &y1, &x2, &y2)) continue;
    line.box = cv::Rect(x1, y1, x2 - x1, y2 - y1);
    int bx1, by1, bx2, by2;
    line.baseline = it->Baseline(tesseract::RIL_TEXTLINE, &bx1, &by1, &bx2, &by2) ? by1 : y2;
    float row_height = 0, descenders = 0, ascenders = 0;
    it->RowAttributes(&row_height, &descenders, &ascenders);
    line.x_height = std::max(0.f, row_height - ascenders + descenders);
    line.ascenders = std::max(0.f, ascenders);
    do {
      std::unique_ptr<char[]> text(it->GetUTF8Text(tesseract::RIL_WORD));
      if (text && it->BoundingBox(tesseract::RIL_WORD, &x1, &y1, &x2, &y2)) {
        OcrWord word{text.get(), cv::Rect(x1, y1, x2 - x1, y2 - y1),
                     it->Confidence(tesseract::RIL_WORD)};
        if (word.confidence >= options.min_confidence && has_alnum(word.text) &&
            word.box.width > 0 && word.box.height > 0) {
          line.words.push_back(std::move(word));
        }
      }
    } while (!it->IsAtFinalElement(tesseract::RIL_TEXTLINE, tesseract::RIL_WORD) &&
             it->Next(tesseract::RIL_WORD));
    if (!line.words.empty()) lines.push_back(std::move(line));
  } while (it->Next(tesseract::RIL_TEXTLINE));
  return lines;
}

}  // namespace od::image2code
