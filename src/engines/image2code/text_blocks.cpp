#include "engines/image2code/text_blocks.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <opencv2/imgproc.hpp>
#include <string_view>

#include "engines/image2code/color.h"
#include "engines/image2code/median.h"

namespace od::image2code {
namespace {

// One run of words on one line that reads as one piece of text.
struct Segment {
  std::vector<OcrWord> words;
  cv::Rect box;
  int baseline = 0;
  double font_size = 0;
  int weight = 400;
  Rgb color;
  std::vector<int> line_starts;  // left edges of all the segments of its OCR line
};

std::vector<Segment> split_line(const OcrLine& line, const FontMetrics& metrics) {
  std::vector<Segment> out;
  double size = estimate_font_size(line.words, metrics);
  // A word space is about 0.3 em; designers separate items by a gap of an em or more.
  double split_gap = std::max(8.0, 0.95 * size);
  for (const auto& word : line.words) {
    if (out.empty() || word.box.x - out.back().box.br().x > split_gap ||
        word.box.x < out.back().box.x) {
      Segment s;
      s.words = {word};
      s.box = word.box;
      s.baseline = line.baseline;
      out.push_back(std::move(s));
    } else {
      out.back().words.push_back(word);
      out.back().box |= word.box;
    }
  }
  std::vector<int> starts;
  for (const auto& s : out) starts.push_back(s.box.x);
  for (auto& s : out) s.line_starts = starts;
  return out;
}

// Rows of a table: two lines each cut into three or more cells, two of whose left edges line
// up (cells the OCR dropped or ran together leave fewer). A table's cell does not continue into the
// cell below it, however close the rows are set (a data table without padding looks like a
// paragraph column by column); text in columns is read by Tesseract line by line, each column
// apart, so paragraphs do not look like this.
bool table_rows(const Segment& above, const Segment& below, double size) {
  if (above.line_starts.size() < 3 || below.line_starts.size() < 3) return false;
  double tolerance = std::max(3.0, 0.3 * size);
  int aligned = 0;
  for (int x : below.line_starts) {
    aligned += std::any_of(above.line_starts.begin(), above.line_starts.end(),
                           [&](int y) { return std::abs(x - y) <= tolerance; });
  }
  return aligned >= 2;
}

bool is_ascender(unsigned char c) {
  return std::isupper(c) || std::isdigit(c) ||
         std::string_view("bdfhijklt").find(c) != std::string_view::npos;
}
bool is_descender(unsigned char c) {
  return std::string_view("gjpqy").find(c) != std::string_view::npos;
}
bool is_letter_or_digit(unsigned char c) { return std::isalnum(c); }

// Paragraph being assembled from segments.
struct Paragraph {
  std::vector<Segment> lines;
  cv::Rect box;
};

bool continues(const Paragraph& p, const Segment& s) {
  const Segment& last = p.lines.back();
  double size = std::max(last.font_size, s.font_size);
  if (std::abs(last.font_size - s.font_size) > 0.15 * size) return false;
  if (last.weight != s.weight || color_distance(last.color, s.color) > 48) return false;
  int gap = s.box.y - last.box.br().y;
  if (gap < -2 || gap > 0.85 * size) return false;
  if (table_rows(last, s, size)) return false;
  // Same left edge, same centre, or the new line lies within the paragraph's width.
  double tolerance = 0.6 * size;
  bool left = std::abs(s.box.x - p.box.x) <= tolerance;
  bool centre =
      std::abs((s.box.x + s.box.width / 2.0) - (p.box.x + p.box.width / 2.0)) <= tolerance;
  bool right = std::abs(s.box.br().x - p.box.br().x) <= tolerance;
  return left || centre || right;
}

std::string align_of(const Paragraph& p) {
  if (p.lines.size() < 2) return "left";
  auto spread = [&](auto edge) {
    int lo = INT32_MAX, hi = INT32_MIN;
    for (const auto& l : p.lines) {
      lo = std::min(lo, edge(l.box));
      hi = std::max(hi, edge(l.box));
    }
    return hi - lo;
  };
  int left = spread([](const cv::Rect& r) { return r.x; });
  int centre = spread([](const cv::Rect& r) { return r.x * 2 + r.width; }) / 2;
  int right = spread([](const cv::Rect& r) { return r.br().x; });
  if (left <= 3) return "left";
  if (centre <= 4) return "center";
  if (right <= 3) return "right";
  return "left";
}

// Articles, conjunctions and short prepositions, which title case leaves in lower case inside a
// title ("Around the Web", "Bachelor of Science"); the grammar of English, not of any page.
bool minor_word(std::string_view lower) {
  static constexpr std::string_view kMinor[] = {"a",  "an",  "and", "as", "at", "but", "by", "for",
                                                "in", "nor", "of",  "on", "or", "the", "to", "via"};
  return std::find(std::begin(kMinor), std::end(kMinor), lower) != std::end(kMinor);
}

// Text shown in capitals only is, on web pages, mostly written in ordinary case and set in
// capitals with text-transform (navigation, buttons, kickers, display headings); the source's
// own case is unknowable, and title case is its likeliest form for such short labels: the
// first letter of each word capital, minor words inside the text all lower case. Returns
// false (and leaves `text` alone) for mixed-case text and for one short word, likelier an
// acronym ("CSS", "FAQ") written as such. Words holding digits ("B2B", "4K") keep their case.
bool restore_case_of_capitals(std::string& text) {
  int upper = 0, lower = 0, words = 0, longest = 0, run = 0;
  for (unsigned char c : text) {
    upper += std::isupper(c) != 0;
    lower += std::islower(c) != 0;
    if (std::isalpha(c)) {
      words += run == 0;
      longest = std::max(longest, ++run);
    } else if (c == ' ' || c == '\n') {
      run = 0;
    }
  }
  if (lower > 0 || upper < 2 || (words == 1 && longest <= 3)) return false;
  size_t start = 0;
  bool first_word = true;
  while (start < text.size()) {
    size_t end = text.find_first_of(" \n", start);
    if (end == std::string::npos) end = text.size();
    bool digits = std::any_of(text.begin() + start, text.begin() + end,
                              [](unsigned char c) { return std::isdigit(c); });
    std::string lower = text.substr(start, end - start);
    for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    bool last_word = text.find_first_not_of(" \n", end) == std::string::npos;
    bool minor = !first_word && !last_word && minor_word(lower);
    bool first = true;
    for (size_t i = start; i < end && !digits; ++i) {
      unsigned char c = text[i];
      if (!std::isalpha(c)) continue;
      if (!first || minor) text[i] = static_cast<char>(std::tolower(c));
      first = false;
    }
    if (end > start) first_word = false;
    start = end + 1;
  }
  return true;
}

Element to_element(const Paragraph& p, const FontMetrics& metrics) {
  Element e;
  e.kind = ElementKind::kText;
  std::vector<double> sizes;
  std::vector<int> weights;
  for (const auto& l : p.lines) {
    if (!e.text.empty()) e.text += "\n";
    for (size_t i = 0; i < l.words.size(); ++i) e.text += (i ? " " : "") + l.words[i].text;
    sizes.push_back(l.font_size);
    weights.push_back(l.weight);
  }
  e.line_count = static_cast<int>(p.lines.size());
  if (restore_case_of_capitals(e.text)) e.style.transform = "uppercase";
  double size = std::max(6.0, std::round(median(sizes)));
  e.style.font_size = size;
  e.style.weight =
      std::count(weights.begin(), weights.end(), 700) * 2 > int(weights.size()) ? 700 : 400;
  e.style.color = p.lines.front().color;
  e.style.align = align_of(p);
  double line_height = std::round(1.2 * size);
  if (p.lines.size() > 1) {
    line_height = std::round(double(p.lines.back().baseline - p.lines.front().baseline) /
                             double(p.lines.size() - 1));
    line_height = std::clamp(line_height, size, 3 * size);
  }
  e.style.line_height = line_height;
  // The box a browser lays out: the first baseline sits half the leading plus the ascent
  // below the top. Widths get slack because OCR boxes hug the ink and fonts differ.
  double top = p.lines.front().baseline - metrics.ascent * size -
               (line_height - (metrics.ascent + metrics.descent) * size) / 2;
  int slack = static_cast<int>(std::ceil(0.04 * p.box.width + 0.3 * size));
  int x = p.box.x - static_cast<int>(0.06 * size);
  if (e.style.align == "center") x -= slack / 2;
  if (e.style.align == "right") x -= slack;
  e.box = cv::Rect(x, static_cast<int>(std::round(top)), p.box.width + slack + int(0.06 * size),
                   static_cast<int>(line_height * p.lines.size()));
  return e;
}

}  // namespace

double estimate_font_size(const std::vector<OcrWord>& words, const FontMetrics& metrics) {
  std::vector<double> estimates;
  std::vector<double> weights;
  for (const auto& w : words) {
    bool asc = false, desc = false, any = false;
    for (unsigned char c : w.text) {
      if (!is_letter_or_digit(c)) continue;
      any = true;
      asc |= is_ascender(c);
      desc |= is_descender(c);
    }
    if (!any) continue;
    double top = asc ? metrics.ascender_line : metrics.x_height;
    double ink = top + (desc ? metrics.descender : 0);
    estimates.push_back(w.box.height / ink);
  }
  if (estimates.empty()) {
    for (const auto& w : words) estimates.push_back(w.box.height / 0.95);
  }
  return median(estimates);
}

double estimate_stroke_width(const cv::Mat& bgr, const cv::Rect& box_in) {
  cv::Rect box = box_in & cv::Rect(0, 0, bgr.cols, bgr.rows);
  if (box.width < 2 || box.height < 2) return 0;
  Rgb background = ring_median(bgr, box);
  cv::Mat diff;
  cv::absdiff(bgr(box), cv::Scalar(background.b, background.g, background.r), diff);
  cv::Mat gray;
  cv::transform(diff, gray, cv::Matx13f(1 / 3.f, 1 / 3.f, 1 / 3.f));
  double max_value = 0;
  cv::minMaxLoc(gray, nullptr, &max_value);
  if (max_value < 20) return 0;
  cv::Mat ink = gray >= max_value / 2;
  long area = cv::countNonZero(ink);
  long perimeter = 0;
  for (int y = 0; y < ink.rows; ++y) {
    const uchar* row = ink.ptr<uchar>(y);
    const uchar* below = y + 1 < ink.rows ? ink.ptr<uchar>(y + 1) : nullptr;
    for (int x = 0; x < ink.cols; ++x) {
      bool on = row[x] != 0;
      if (x + 1 < ink.cols && on != (row[x + 1] != 0)) ++perimeter;
      if (below && on != (below[x] != 0)) ++perimeter;
      if (on && (x == 0 || x + 1 == ink.cols)) ++perimeter;
      if (on && (y == 0 || !below)) ++perimeter;
    }
  }
  return perimeter ? 2.0 * area / perimeter : 0;
}

Rgb estimate_text_color(const cv::Mat& bgr, const cv::Rect& box_in, int polarity) {
  cv::Rect box = box_in & cv::Rect(0, 0, bgr.cols, bgr.rows);
  if (box.empty()) return {};
  Rgb background = ring_median(bgr, box);
  struct Sample {
    int distance;
    Rgb color;
  };
  std::vector<Sample> samples;
  samples.reserve(box.area());
  int farthest = 0;
  for (int y = box.y; y < box.br().y; ++y) {
    for (int x = box.x; x < box.br().x; ++x) {
      Rgb c = rgb_at(bgr, x, y);
      double side = luminance(c) - luminance(background);
      int d = polarity * side < 0 ? 0 : color_distance(c, background);
      farthest = std::max(farthest, d);
      samples.push_back({d, c});
    }
  }
  if (farthest < 16)
    return background.r + background.g + background.b > 384 ? Rgb{0, 0, 0} : Rgb{255, 255, 255};
  // The core of the strokes: anti-aliased edges are blends with the background.
  std::vector<int> r, g, b;
  for (const auto& s : samples) {
    if (s.distance * 10 >= farthest * 8) {
      r.push_back(s.color.r);
      g.push_back(s.color.g);
      b.push_back(s.color.b);
    }
  }
  return {median(std::move(r)), median(std::move(g)), median(std::move(b))};
}

std::vector<Element> build_text_blocks(const cv::Mat& bgr, const std::vector<OcrLine>& lines,
                                       const TextBlockOptions& options) {
  std::vector<Segment> segments;
  for (const auto& line : lines) {
    // Tesseract's row statistics come from all the line's glyphs; word boxes can swallow a
    // neighbouring edge (a band's border) and grow. When the two disagree, the smaller wins.
    double from_row = line.x_height > 2 && line.ascenders > 0
                          ? (line.x_height + line.ascenders) / options.metrics.ascender_line
                          : 0;
    for (auto& s : split_line(line, options.metrics)) {
      s.font_size = estimate_font_size(s.words, options.metrics);
      if (from_row > 4 && std::abs(from_row - s.font_size) > 0.2 * s.font_size) {
        s.font_size = std::min(s.font_size, from_row);
      }
      std::vector<double> strokes;
      std::vector<int> r, g, b;
      for (const auto& w : s.words) {
        strokes.push_back(estimate_stroke_width(bgr, w.box));
        Rgb c = estimate_text_color(bgr, w.box, line.polarity);
        r.push_back(c.r);
        g.push_back(c.g);
        b.push_back(c.b);
      }
      s.weight = median(strokes) >= options.bold_stroke_ratio * s.font_size ? 700 : 400;
      s.color = {median(std::move(r)), median(std::move(g)), median(std::move(b))};
      segments.push_back(std::move(s));
    }
  }
  std::sort(segments.begin(), segments.end(), [](const Segment& a, const Segment& b) {
    return a.box.y != b.box.y ? a.box.y < b.box.y : a.box.x < b.box.x;
  });
  std::vector<Paragraph> paragraphs;
  std::vector<size_t> open;  // paragraphs that may still take a line
  for (auto& s : segments) {
    Paragraph* target = nullptr;
    for (size_t i : open) {
      if (continues(paragraphs[i], s)) {
        target = &paragraphs[i];
        break;
      }
    }
    if (target) {
      target->box |= s.box;
      target->lines.push_back(std::move(s));
    } else {
      paragraphs.push_back({{}, s.box});
      paragraphs.back().lines.push_back(std::move(s));
      open.push_back(paragraphs.size() - 1);
    }
    // A paragraph whose last line lies well above the current one cannot continue.
    int current_top = paragraphs.empty() ? 0
                                         : (target ? target->lines.back().box.y
                                                   : paragraphs.back().lines.back().box.y);
    std::erase_if(open, [&](size_t i) {
      const auto& last = paragraphs[i].lines.back();
      return last.box.br().y + 2 * last.font_size < current_top;
    });
  }
  std::vector<Element> out;
  out.reserve(paragraphs.size());
  for (const auto& p : paragraphs) out.push_back(to_element(p, options.metrics));
  return out;
}

}  // namespace od::image2code
