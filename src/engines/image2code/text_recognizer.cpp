#include "engines/image2code/text_recognizer.h"

#include <tesseract/baseapi.h>
#include <tesseract/resultiterator.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <opencv2/imgproc.hpp>
#include <stdexcept>

#include "engines/image2code/color.h"
#include "engines/image2code/misread_glyphs.h"

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

// A word Tesseract was unsure of, to be read again alone: its line's index and its box.
struct SecondLook {
  size_t line;
  cv::Rect box;
};

// Whether an unsure word looks like a word rather than a photograph's texture: three letters or
// digits, and at most two other characters ("\"March", "Winters", "(555)"). A neighbouring picture
// in the word's box (a broken image's icon before a name) or a tight table cell costs confidence
// without making the letters unreadable.
bool looks_like_a_word(const std::string& text) {
  int alnum = 0, other = 0;
  for (unsigned char c : text) {
    if (std::isalnum(c)) {
      ++alnum;
    } else if (c < 0x80) {
      ++other;
    }
  }
  return alnum >= 3 && other <= 2;
}

// The glyphs of the iterator's current word, each as a one-character word with its box.
std::vector<OcrWord> glyphs_of(const tesseract::ResultIterator& at) {
  std::vector<OcrWord> glyphs;
  tesseract::ResultIterator symbol(at);
  do {
    int x1, y1, x2, y2;
    std::unique_ptr<char[]> text(symbol.GetUTF8Text(tesseract::RIL_SYMBOL));
    if (!text || !symbol.BoundingBox(tesseract::RIL_SYMBOL, &x1, &y1, &x2, &y2)) return {};
    glyphs.push_back({text.get(), cv::Rect(x1, y1, x2 - x1, y2 - y1), 0});
  } while (!symbol.IsAtFinalElement(tesseract::RIL_WORD, tesseract::RIL_SYMBOL) &&
           symbol.Next(tesseract::RIL_SYMBOL));
  return glyphs;
}

// Puts the words of a second look at `looked_at` that Tesseract is sure of into
// `lines[line]` (in reading order). Words centred outside the box looked at are a neighbour's
// edges, and words on a word of any line are read already: an unsure word's box can span its
// neighbours, or lie over another line (a button's outline read as a line of its own).
void add_sure_words(const std::vector<OcrLine>& read, const cv::Rect& looked_at,
                    std::vector<OcrLine>& lines, size_t line) {
  constexpr float kSure = 85;
  for (const auto& l : read) {
    for (const auto& w : l.words) {
      bool known = std::any_of(lines.begin(), lines.end(), [&](const OcrLine& other) {
        return std::any_of(other.words.begin(), other.words.end(), [&](const OcrWord& o) {
          return (o.box & w.box).area() >= 0.5 * std::min(o.box.area(), w.box.area());
        });
      });
      if (w.confidence < kSure || !has_alnum(w.text) || known ||
          !looked_at.contains((w.box.tl() + w.box.br()) / 2)) {
        continue;
      }
      auto& words = lines[line].words;
      auto at = std::find_if(words.begin(), words.end(),
                             [&](const OcrWord& o) { return o.box.x > w.box.x; });
      words.insert(at, w);
    }
  }
}

// Reads the lines Tesseract found in the rectangle set on `api` into `lines`. With
// `second_looks`, unsure words that look like words are listed there (their line is kept even
// when it has nothing else) instead of being dropped.
void read_lines(tesseract::TessBaseAPI& api, std::vector<OcrLine>& lines, const OcrOptions& options,
                std::vector<SecondLook>* second_looks = nullptr) {
  if (api.Recognize(nullptr) != 0) return;
  std::unique_ptr<tesseract::ResultIterator> it(api.GetIterator());
  if (!it) return;
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
    int looks = 0;
    do {
      std::unique_ptr<char[]> text(it->GetUTF8Text(tesseract::RIL_WORD));
      if (text && it->BoundingBox(tesseract::RIL_WORD, &x1, &y1, &x2, &y2)) {
        OcrWord word{text.get(), cv::Rect(x1, y1, x2 - x1, y2 - y1),
                     it->Confidence(tesseract::RIL_WORD)};
        // Punctuation standing alone ("-", "|", "&") is kept when Tesseract is sure of it, so
        // a line does not split at it; on its own it is what photographs yield.
        // One or two characters at middling confidence are mostly edges of shapes read as
        // letters ("VU" on a pill's rim); real short words come out near-certain.
        bool sure = (has_alnum(word.text) || word.confidence >= 85) &&
                    (word.text.size() > 2 || word.confidence >= 80);
        if (word.box.width <= 0 || word.box.height <= 0) continue;
        if (word.confidence >= options.min_confidence && sure) {
          for (auto& part : split_at_spaces(word, glyphs_of(*it), line.x_height)) {
            line.words.push_back(std::move(part));
          }
        } else if (second_looks && looks_like_a_word(word.text)) {
          second_looks->push_back({lines.size(), word.box});
          ++looks;
        }
      }
    } while (!it->IsAtFinalElement(tesseract::RIL_TEXTLINE, tesseract::RIL_WORD) &&
             it->Next(tesseract::RIL_WORD));
    fix_misread_glyphs(line);
    if (looks > 0 || std::any_of(line.words.begin(), line.words.end(),
                                 [](const OcrWord& w) { return has_alnum(w.text); })) {
      lines.push_back(std::move(line));
    }
  } while (it->Next(tesseract::RIL_TEXTLINE));
}

// Horizontal strips of at most about kStrip rows, cut at rows without ink. Tesseract's layout
// analysis loses large headings on tall pages (a hero title read in a 2,000 px crop was missed
// in the 3,400 px page), and a cut where nothing is written loses nothing.
std::vector<std::pair<int, int>> strips(const cv::Mat& gray) {
  constexpr int kStrip = 1400, kMinStrip = 700;
  std::vector<std::pair<int, int>> out;
  int top = 0;
  while (gray.rows - top > kStrip) {
    int cut = -1;
    for (int y = top + kStrip; y >= top + kMinStrip && cut < 0; --y) {
      double lowest = 0;
      cv::minMaxLoc(gray.row(y), &lowest);
      if (lowest > 230) cut = y;
    }
    if (cut < 0) cut = top + kStrip;  // no quiet row: a line may be cut, nothing worse
    out.emplace_back(top, cut);
    top = cut;
  }
  out.emplace_back(top, gray.rows);
  return out;
}

void offset_lines(std::vector<OcrLine>& lines, size_t first, cv::Point by) {
  for (size_t i = first; i < lines.size(); ++i) {
    lines[i].box += by;
    lines[i].baseline += by.y;
    for (auto& w : lines[i].words) w.box += by;
  }
}

}  // namespace

struct TextRecognizer::Api {
  std::unique_ptr<tesseract::TessBaseAPI, TessDeleter> tess{new tesseract::TessBaseAPI()};
};

TextRecognizer::TextRecognizer(const OcrOptions& options)
    : options_(options), api_(std::make_unique<Api>()) {
  if (omp_set_max_active_levels) omp_set_max_active_levels(0);
  auto& api = *api_->tess;
  if (api.Init(options.data_path.empty() ? nullptr : options.data_path.c_str(), "eng",
               tesseract::OEM_LSTM_ONLY) != 0) {
    throw std::runtime_error("Tesseract could not load its English data (tesseract-ocr-eng)");
  }
  // Screens are 96 dpi-ish; saying so keeps Tesseract from guessing and warning on stderr.
  api.SetVariable("user_defined_dpi", "96");
  api.SetVariable("debug_file", "/dev/null");
  // Pictures given to Tesseract are dark-on-light already: no second, inverted pass.
  api.SetVariable("tessedit_do_invert", "0");
}

TextRecognizer::~TextRecognizer() = default;

std::vector<OcrLine> TextRecognizer::read_page(const cv::Mat& bgr) {
  auto& api = *api_->tess;
  cv::Mat gray = polarity_free(bgr);
  api.SetPageSegMode(tesseract::PSM_AUTO);
  std::vector<OcrLine> lines;
  std::vector<SecondLook> looks;
  for (const auto& [top, bottom] : strips(gray)) {
    // Each strip is its own picture (SetRectangle on the whole one read next to nothing).
    cv::Mat strip = gray.rowRange(top, bottom);
    api.SetImage(strip.data, strip.cols, strip.rows, 1, static_cast<int>(strip.step));
    size_t first = lines.size(), first_look = looks.size();
    read_lines(api, lines, options_, &looks);
    offset_lines(lines, first, {0, top});
    for (size_t k = first_look; k < looks.size(); ++k) looks[k].box.y += top;
  }
  // Each unsure word that looks like one is read again alone, in the same picture; small
  // type at twice the size, where Tesseract reads it best.
  constexpr size_t kMaxLooks = 40;  // ~10 ms each
  for (size_t k = 0; k < looks.size() && k < kMaxLooks; ++k) {
    const cv::Rect& word = looks[k].box;
    int pad = std::max(2, word.height / 5);
    cv::Rect box =
        cv::Rect(word.x - pad, word.y - pad, word.width + 2 * pad, word.height + 2 * pad) &
        cv::Rect(0, 0, gray.cols, gray.rows);
    std::vector<OcrLine> read =
        read_scaled(gray(box).clone(), box, box.height < 32 ? 2 : 1, tesseract::PSM_SINGLE_LINE);
    add_sure_words(read, word, lines, looks[k].line);
  }
  std::erase_if(lines, [](const OcrLine& l) {
    return std::none_of(l.words.begin(), l.words.end(),
                        [](const OcrWord& w) { return has_alnum(w.text); });
  });
  return lines;
}

std::vector<OcrLine> TextRecognizer::read_scaled(cv::Mat gray, const cv::Rect& box, double scale,
                                                 int psm) {
  std::vector<OcrLine> lines;
  if (scale != 1) {
    cv::resize(gray, gray, cv::Size(), scale, scale, scale > 1 ? cv::INTER_CUBIC : cv::INTER_AREA);
  }
  // A margin of the background colour: Tesseract misses glyphs that touch the picture's edge.
  constexpr int kMargin = 8;
  cv::Scalar around = cv::mean(gray.row(0));
  cv::copyMakeBorder(gray, gray, kMargin, kMargin, kMargin, kMargin, cv::BORDER_CONSTANT, around);
  auto& api = *api_->tess;
  api.SetPageSegMode(static_cast<tesseract::PageSegMode>(psm));
  api.SetImage(gray.data, gray.cols, gray.rows, 1, static_cast<int>(gray.step));
  read_lines(api, lines, options_);
  offset_lines(lines, 0, {-kMargin, -kMargin});
  if (scale != 1) {
    auto back = [scale](cv::Rect r) {
      int x0 = int(std::floor(r.x / scale)), y0 = int(std::floor(r.y / scale));
      int x1 = int(std::ceil(r.br().x / scale)), y1 = int(std::ceil(r.br().y / scale));
      return cv::Rect(x0, y0, x1 - x0, y1 - y0);
    };
    for (auto& line : lines) {
      line.box = back(line.box);
      line.baseline = int(std::lround(line.baseline / scale));
      line.x_height = float(line.x_height / scale);
      line.ascenders = float(line.ascenders / scale);
      for (auto& w : line.words) w.box = back(w.box);
    }
  }
  offset_lines(lines, 0, box.tl());
  return lines;
}

std::vector<OcrLine> TextRecognizer::read_region(const cv::Mat& bgr, const cv::Rect& box_in,
                                                 bool dark_background) {
  cv::Rect box = box_in & cv::Rect(0, 0, bgr.cols, bgr.rows);
  if (box.width < 8 || box.height < 8) return {};
  cv::Mat gray;
  cv::cvtColor(bgr(box), gray, cv::COLOR_BGR2GRAY);
  if (dark_background) gray = 255 - gray;
  // Tesseract reads glyphs a dozen pixels high poorly (a lone digit in a small box comes back
  // empty); twice the size it reads them.
  return read_scaled(gray, box, box.height < 40 ? 2 : 1, tesseract::PSM_SINGLE_BLOCK);
}

namespace {

// Mean word confidence of a read, 0 for nothing read.
float mean_confidence(const std::vector<OcrLine>& lines) {
  float sum = 0;
  int words = 0;
  for (const auto& l : lines) {
    for (const auto& w : l.words) {
      sum += w.confidence;
      ++words;
    }
  }
  return words ? sum / words : 0;
}

// `ink` (8-bit, larger = more ink) drawn dark on white, full contrast; empty when faint.
cv::Mat dark_on_white(const cv::Mat& ink) {
  double strongest = 0;
  cv::minMaxLoc(ink, nullptr, &strongest);
  if (strongest < 24) return {};
  cv::Mat gray;
  ink.convertTo(gray, CV_8U, -255.0 / strongest, 255);
  return gray;
}

}  // namespace

std::vector<OcrLine> TextRecognizer::read_display_line(const cv::Mat& bgr, const cv::Rect& box_in,
                                                       const Rgb& background, int glyph_height) {
  cv::Rect box = box_in & cv::Rect(0, 0, bgr.cols, bgr.rows);
  if (box.width < 8 || box.height < 8 || glyph_height < 4) return {};
  // Three pictures of the ink, each dark on white: distance from the background whichever way
  // (any colour of type on any flat colour), and the pixels lighter or darker than it alone
  // (white type with a dark shadow on a pale band reads only as the lighter pixels).
  cv::Mat diff;
  cv::absdiff(bgr(box), cv::Scalar(background.b, background.g, background.r), diff);
  cv::Mat channels[3];
  cv::split(diff, channels);
  cv::Mat distance = cv::max(channels[0], cv::max(channels[1], channels[2]));
  cv::Mat gray;
  cv::cvtColor(bgr(box), gray, cv::COLOR_BGR2GRAY);
  double level = luminance(background);
  cv::Mat lighter, darker;
  cv::subtract(gray, cv::Scalar(level), lighter);
  cv::subtract(cv::Scalar(level), gray, darker);
  constexpr double kGlyphTarget = 40;
  double scale = std::clamp(kGlyphTarget / glyph_height, 0.25, 3.0);
  std::vector<OcrLine> best;
  for (auto [ink, polarity] :
       {std::pair(distance, 0), std::pair(lighter, 1), std::pair(darker, -1)}) {
    cv::Mat picture = dark_on_white(ink);
    if (picture.empty()) continue;
    std::vector<OcrLine> lines = read_scaled(picture, box, scale, tesseract::PSM_SINGLE_LINE);
    for (auto& l : lines) l.polarity = polarity;
    if (mean_confidence(lines) > mean_confidence(best)) best = std::move(lines);
  }
  return best;
}

std::vector<OcrLine> recognize_text(const cv::Mat& bgr, const OcrOptions& options) {
  TextRecognizer recognizer(options);
  return recognizer.read_page(bgr);
}

}  // namespace od::image2code
