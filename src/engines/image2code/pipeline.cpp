#include "engines/image2code/pipeline.h"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <opencv2/imgcodecs.hpp>
#include <optional>

#include "engines/image2code/color.h"
#include "engines/image2code/components.h"
#include "engines/image2code/display_text.h"
#include "engines/image2code/large_type.h"
#include "engines/image2code/palette.h"

namespace od::image2code {
namespace {

constexpr int kStages = 8;

class Stages {
 public:
  Stages(Image2CodeResult& result, const ProgressFn& progress)
      : result_(result), progress_(progress), started_(std::chrono::steady_clock::now()) {}

  void done(const char* stage) {
    auto now = std::chrono::steady_clock::now();
    std::clock_t cpu_now = std::clock();
    result_.timings.push_back({stage,
                               std::chrono::duration<double, std::milli>(now - started_).count(),
                               1000.0 * double(cpu_now - cpu_started_) / CLOCKS_PER_SEC});
    started_ = now;
    cpu_started_ = cpu_now;
    if (progress_) progress_(stage, ++count_, kStages);
  }

 private:
  Image2CodeResult& result_;
  const ProgressFn& progress_;
  std::chrono::steady_clock::time_point started_;
  std::clock_t cpu_started_ = std::clock();
  int count_ = 0;
};

// Crops every picture region into a PNG asset, largest first within the budget; pictures over
// the budget are removed from the tree.
void write_assets(Element& e, const cv::Mat& pixels, Image2CodeResult& result, size_t budget) {
  std::vector<Element> kept;
  for (auto& c : e.children) {
    if (c.kind == ElementKind::kImage) {
      if (result.assets.size() >= budget) continue;
      c.asset = "image-" + std::to_string(result.assets.size() + 1) + ".png";
      std::vector<uchar> png;
      // Fast compression: assets are rewritten on every run and size matters less than time.
      cv::imencode(".png", pixels(c.box), png, {cv::IMWRITE_PNG_COMPRESSION, 1});
      result.assets[c.asset] = std::string(png.begin(), png.end());
    } else {
      write_assets(c, pixels, result, budget);
    }
    kept.push_back(std::move(c));
  }
  e.children = std::move(kept);
}

bool holds_words(const cv::Rect& box, const std::vector<OcrLine>& lines) {
  for (const auto& line : lines) {
    if ((line.box & box).empty()) continue;
    for (const auto& w : line.words) {
      if (box.contains((w.box.tl() + w.box.br()) / 2)) return true;
    }
  }
  return false;
}

// Whether words cover most of `box`: a glyph picture of a word read later. (A word's centre can
// fall between its glyphs, so holds_words misses the glyphs of "11".)
bool under_words(const cv::Rect& box, const std::vector<OcrLine>& lines) {
  for (const auto& line : lines) {
    for (const auto& w : line.words) {
      if ((w.box & box).area() >= 0.5 * box.area()) return true;
    }
  }
  return false;
}

// Ink in a flat box that segmentation left empty: glyphs touching the box's edge (a digit in a
// box without padding) are dropped there as slivers. The rounded corners' outside is not ink.
bool has_loose_ink(const cv::Mat& bgr, const Element& box) {
  // Label-sized boxes only: a larger empty box with ink is a chart or a drawing, not a label.
  if (!box.children.empty() || !box.fill || box.box.height > 40 || box.box.width > 400) {
    return false;
  }
  int inset = box.border_width + 1;
  cv::Rect inner(box.box.x + inset, box.box.y + inset, box.box.width - 2 * inset,
                 box.box.height - 2 * inset);
  if (inner.width < 8 || inner.height < 8) return false;
  cv::Mat ink = difference_mask(bgr, inner, *box.fill, 80);
  int corner = std::min({static_cast<int>(box.radius) + 2, inner.width / 2, inner.height / 2});
  for (cv::Point at :
       {cv::Point(0, 0), cv::Point(inner.width - corner, 0), cv::Point(0, inner.height - corner),
        cv::Point(inner.width - corner, inner.height - corner)}) {
    ink(cv::Rect(at, cv::Size(corner, corner))).setTo(0);
  }
  int pixels = cv::countNonZero(ink);
  return pixels >= 12 && pixels < 0.3 * inner.area();
}

// Second OCR pass: Tesseract's page layout misses short labels on coloured boxes (buttons,
// badges, bars), which segmentation then finds as glyph-sized pictures (or loose ink) inside a
// flat box with no text. Each such box is read on its own, inverted when dark; the glyph pictures
// it explains are dropped.
void read_boxes(Element& e, const cv::Mat& bgr, TextRecognizer& ocr,
                const std::vector<OcrLine>& page_lines, std::vector<OcrLine>& found, int& budget) {
  for (auto& c : e.children) {
    if (c.kind != ElementKind::kContainer) continue;
    bool glyphs = std::any_of(c.children.begin(), c.children.end(),
                              [](const Element& g) {
                                return g.kind == ElementKind::kImage && g.box.height <= 48;
                              }) ||
                  has_loose_ink(bgr, c);
    if (budget > 0 && glyphs && c.fill && c.box.height >= 16 && c.box.height <= 120 &&
        c.box.width >= 24 && !holds_words(c.box, page_lines)) {
      --budget;
      std::vector<OcrLine> lines = ocr.read_region(bgr, c.box, luminance(*c.fill) < 128);
      if (!lines.empty()) {
        std::erase_if(c.children, [&](const Element& g) {
          return g.kind == ElementKind::kImage && under_words(g.box, lines);
        });
        for (auto& l : lines) found.push_back(std::move(l));
        continue;
      }
    }
    read_boxes(c, bgr, ocr, page_lines, found, budget);
  }
}

bool worth_reading(const cv::Mat& bgr, const Dominant& background) {
  // Tesseract needs a few pixels of height, and on pure noise (no flat colour anywhere) it
  // spends seconds finding nothing.
  return bgr.cols >= 8 && bgr.rows >= 8 && background.share >= 0.02;
}

}  // namespace

Image2CodeResult image_to_canvas(std::string_view bytes, const Image2CodeOptions& options,
                                 const ProgressFn& progress) {
  Image2CodeResult result;
  Stages stages(result, progress);
  cv::Mat bgr = load_image(bytes, options.limits);
  result.width = bgr.cols;
  result.height = bgr.rows;
  cv::Rect page_box(0, 0, bgr.cols, bgr.rows);
  Dominant background = page_background(bgr);
  stages.done("load");

  std::vector<OcrLine> lines;
  std::optional<TextRecognizer> ocr;
  if (worth_reading(bgr, background)) {
    ocr.emplace(options.ocr);
    lines = ocr->read_page(bgr);
    reread_large_type(bgr, *ocr, lines);
  }
  stages.done("ocr");

  cv::Mat erased = erase_text(bgr, lines);
  std::optional<VerticalGradient> gradient;
  if (background.share < 0.6) gradient = find_vertical_gradient(erased);
  cv::Mat flat = gradient ? flatten_gradient(erased, *gradient) : cv::Mat();
  std::vector<Element> regions = segment_regions(
      erased, page_box, gradient ? gradient->top : background.color, options.segment, flat);
  stages.done("regions");

  if (ocr) {
    recall_display_text(regions, bgr, background.color, *ocr, lines);
    Element holder;
    holder.children = std::move(regions);
    std::vector<OcrLine> found;
    int budget = options.max_box_reads;
    read_boxes(holder, bgr, *ocr, lines, found, budget);
    regions = std::move(holder.children);
    for (auto& l : found) lines.push_back(std::move(l));
  }
  std::vector<Element> texts = build_text_blocks(bgr, lines, options.text);
  stages.done("text");

  Element page;
  page.kind = ElementKind::kContainer;
  page.box = page_box;
  page.fill = background.color;
  if (gradient) page.gradient = std::pair(gradient->top, gradient->bottom);
  std::vector<Element> items = std::move(regions);
  for (auto& t : texts) items.push_back(std::move(t));
  place_into_containers(page, std::move(items));
  arrange(page, options.layout);
  stages.done("layout");

  recognise_components(page, bgr.cols);
  stages.done("components");

  std::vector<PaletteEntry> palette = snap_colors(page);
  int grid = snap_spacing(page);
  stages.done("tokens");

  write_assets(page, erased, result, options.max_assets);
  result.document = write_canvas(page, palette, grid, options.canvas);
  stages.done("canvas");
  return result;
}

}  // namespace od::image2code
