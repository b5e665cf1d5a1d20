#include "engines/image2code/display_text.h"

#include <algorithm>

#include "engines/image2code/color.h"

namespace od::image2code {
namespace {

int vertical_overlap(const cv::Rect& a, const cv::Rect& b) {
  return std::min(a.br().y, b.br().y) - std::max(a.y, b.y);
}

// Whether `next` (to the right) continues the row `row`: on the same line, of a similar
// height, no farther than a large word space away.
bool same_row(const cv::Rect& row, const cv::Rect& next) {
  int low = std::min(row.height, next.height), high = std::max(row.height, next.height);
  return high <= 2 * low && vertical_overlap(row, next) >= 0.6 * low &&
         next.x - row.br().x <= 0.8 * high;
}

// A picture that may be glyphs: of type size, and its most common colour near the background
// (strokes cover a fraction of a word's box; a photograph has no common colour, a filled icon
// its own). Loose on purpose: a soft text shadow tints most of a heading's box, and what is not
// type reads as nothing believable.
bool glyph_like(const cv::Mat& bgr, const Element& e, const Rgb& background,
                const DisplayTextOptions& options) {
  if (e.kind != ElementKind::kImage) return false;
  if (e.box.height < options.min_glyph_height || e.box.height > options.max_glyph_height) {
    return false;
  }
  Dominant d = dominant_color(bgr, e.box);
  return d.share >= 0.2 && color_distance(d.color, background) <= 48;
}

struct Row {
  cv::Rect glyphs;  // union of the glyph pictures
  std::vector<size_t> pictures;
};

struct Pass {
  const cv::Mat& bgr;
  TextRecognizer& ocr;
  std::vector<OcrLine>& lines;
  const DisplayTextOptions& options;
  int reads_left;
  std::vector<bool> replaced;  // page-pass lines a row's read replaces
  std::vector<OcrLine> found;

  void visit(std::vector<Element>& children, const Rgb& background, const cv::Rect& area) {
    std::vector<size_t> candidates;
    for (size_t i = 0; i < children.size(); ++i) {
      if (glyph_like(bgr, children[i], background, options)) candidates.push_back(i);
    }
    std::sort(candidates.begin(), candidates.end(),
              [&](size_t a, size_t b) { return children[a].box.x < children[b].box.x; });
    std::vector<Row> rows;
    for (size_t i : candidates) {
      const cv::Rect& box = children[i].box;
      auto row = std::find_if(rows.begin(), rows.end(),
                              [&](const Row& r) { return same_row(r.glyphs, box); });
      if (row == rows.end()) {
        rows.push_back({box, {i}});
      } else {
        row->glyphs |= box;
        row->pictures.push_back(i);
      }
    }
    std::vector<bool> explained(children.size(), false);
    for (const Row& row : rows) {
      if (reads_left <= 0) break;
      read_row(row, children, background, area, explained);
    }
    std::vector<Element> kept;
    for (size_t i = 0; i < children.size(); ++i) {
      if (explained[i]) continue;
      Element& c = children[i];
      if (c.kind == ElementKind::kContainer && c.fill) visit(c.children, *c.fill, c.box);
      kept.push_back(std::move(c));
    }
    children = std::move(kept);
  }

  // The row's pictures that `read` explains: those its words cover at least half of (a photo
  // beside a heading stays).
  static void explain(const Row& row, const std::vector<Element>& children,
                      const std::vector<OcrLine>& read, std::vector<bool>& explained) {
    for (size_t i : row.pictures) {
      const cv::Rect& box = children[i].box;
      int covered = 0;
      for (const auto& l : read) {
        for (const auto& w : l.words) covered += (w.box & box).area();
      }
      if (covered >= 0.5 * box.area()) explained[i] = true;
    }
  }

  void read_row(const Row& row, const std::vector<Element>& children, const Rgb& background,
                const cv::Rect& area, std::vector<bool>& explained) {
    // A row that an earlier row's read took in (its page-pass line joined them) is done.
    for (const auto& l : found) {
      if ((l.box & row.glyphs).area() >= 0.5 * row.glyphs.area()) {
        explain(row, children, {l}, explained);
        return;
      }
    }
    // A picture the page pass read the text in (a button drawn as one picture) lacks nothing.
    int read_width = 0;
    for (const auto& l : lines) {
      for (const auto& w : l.words) {
        cv::Rect inside = w.box & row.glyphs;
        if (inside.area() >= 0.5 * w.box.area()) read_width += inside.width;
      }
    }
    if (read_width >= 0.5 * row.glyphs.width) return;
    // Page-pass lines on the row (a fragment read out of the heading, "ripe" of "transcript")
    // are read again with it; smaller text beside the heading is not.
    cv::Rect span = row.glyphs;
    std::vector<size_t> on_row;
    for (size_t k = 0; k < lines.size(); ++k) {
      const cv::Rect& l = lines[k].box;
      // Type as tall as the row's: a line's box can take in a picture beside its words (a
      // footer's line around its icons), its words' height cannot.
      int type_height = 0;
      for (const auto& w : lines[k].words) type_height = std::max(type_height, w.box.height);
      if (replaced[k] || type_height < row.glyphs.height / 2) continue;
      if (vertical_overlap(span, l) < 0.6 * std::min(span.height, l.height)) continue;
      int gap = std::max(l.x - span.br().x, span.x - l.br().x);
      if (gap > 0.8 * span.height) continue;
      on_row.push_back(k);
      span |= l;
    }
    int pad = std::max(4, row.glyphs.height / 4);
    cv::Rect box =
        cv::Rect(span.x - pad, span.y - pad, span.width + 2 * pad, span.height + 2 * pad) & area;
    // Text the page pass read near the row is left out of the read: above or below it, by
    // trimming the box; beside it (smaller type on the same line), by not reading the row, as
    // it would be read again at the row's size.
    for (size_t k = 0; k < lines.size(); ++k) {
      if (std::find(on_row.begin(), on_row.end(), k) != on_row.end()) continue;
      for (const auto& w : lines[k].words) {
        if ((w.box & box).empty()) continue;
        if (w.box.y >= row.glyphs.br().y) {
          box.height = std::max(0, w.box.y - box.y);
        } else if (w.box.br().y <= row.glyphs.y) {
          int bottom = box.br().y;
          box.y = w.box.br().y;
          box.height = std::max(0, bottom - box.y);
        } else {
          return;
        }
      }
    }
    --reads_left;
    std::vector<OcrLine> read = ocr.read_display_line(bgr, box, background, row.glyphs.height);
    if (!believable(read, row.glyphs)) return;
    explain(row, children, read, explained);
    for (size_t k : on_row) replaced[k] = true;
    for (auto& l : read) found.push_back(std::move(l));
  }

  // Confident words, one of them a real word or number (three letters or digits running, not
  // all one letter), that cover most of the row: icons and ornaments read as text come back
  // unsure, as a stray character or two ("Cm)"), or on part of the row only.
  bool believable(const std::vector<OcrLine>& read, const cv::Rect& glyphs) const {
    float confidence = 0;
    int words = 0, longest_run = 0;
    cv::Rect covered;
    for (const auto& l : read) {
      for (const auto& w : l.words) {
        confidence += w.confidence;
        ++words;
        covered = covered.empty() ? w.box : covered | w.box;
        // One letter over and over ("eee", "OOO") is a row of round icons, not a word.
        if (std::all_of(w.text.begin(), w.text.end(), [&](char c) { return c == w.text[0]; })) {
          continue;
        }
        int run = 0;
        for (unsigned char c : w.text) {
          run = std::isalnum(c) ? run + 1 : 0;
          longest_run = std::max(longest_run, run);
        }
      }
    }
    if (words == 0 || longest_run < 3 || confidence / words < options.min_confidence) return false;
    int overlap = std::min(covered.br().x, glyphs.br().x) - std::max(covered.x, glyphs.x);
    return overlap >= 0.6 * glyphs.width;
  }
};

}  // namespace

void recall_display_text(std::vector<Element>& regions, const cv::Mat& bgr, const Rgb& background,
                         TextRecognizer& ocr, std::vector<OcrLine>& lines,
                         const DisplayTextOptions& options) {
  Pass pass{bgr, ocr, lines, options, options.max_reads, std::vector<bool>(lines.size(), false),
            {}};
  pass.visit(regions, background, cv::Rect(0, 0, bgr.cols, bgr.rows));
  std::vector<OcrLine> kept;
  for (size_t k = 0; k < lines.size(); ++k) {
    if (!pass.replaced[k]) kept.push_back(std::move(lines[k]));
  }
  for (auto& l : pass.found) kept.push_back(std::move(l));
  lines = std::move(kept);
}

}  // namespace od::image2code
