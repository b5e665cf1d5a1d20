#include "engines/image2code/segmentation.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <opencv2/imgproc.hpp>

#include "engines/image2code/color.h"
#include "engines/image2code/median.h"

namespace od::image2code {
namespace {

// What the recursion shares: the element budget and the picture masks are computed from (the
// picture itself, or one with a background gradient taken out).
struct Budget {
  int left;
  const cv::Mat* mask_source = nullptr;
};

bool contains(const cv::Rect& outer, const cv::Rect& inner) { return (outer & inner) == inner; }

// Fraction of the middle 60% of one edge of `mask` that has set pixels within a band along it.
// The band is a quarter of the box deep (at most 16 px), so the curve of a pill-shaped outline
// still counts as its side.
double edge_coverage(const cv::Mat& mask, bool horizontal, bool far_side) {
  int across = horizontal ? mask.rows : mask.cols;
  int depth = std::clamp(across / 4, 1, 16);
  int length = horizontal ? mask.cols : mask.rows;
  int from = length / 5, to = length - length / 5;
  int covered = 0;
  for (int i = from; i < to; ++i) {
    for (int d = 0; d < depth; ++d) {
      int along = far_side ? across - 1 - d : d;
      uchar v = horizontal ? mask.at<uchar>(along, i) : mask.at<uchar>(i, along);
      if (v) {
        ++covered;
        break;
      }
    }
  }
  return to > from ? double(covered) / (to - from) : 0;
}

void segment_into(const cv::Mat& bgr, const cv::Rect& area, const Rgb& background,
                  const SegmentOptions& options, int depth, Budget& budget,
                  std::vector<Element>& out, double corner_radius = 0);

}  // namespace

std::vector<cv::Rect> textured_areas(const cv::Mat& bgr, const cv::Rect& area,
                                     const cv::Mat& mask) {
  constexpr int kCell = 16;
  std::vector<cv::Rect> out;
  if (area.width < 6 * kCell || area.height < 4 * kCell) return out;
  cv::Mat gray, dx, dy, edges;
  cv::cvtColor(bgr(area), gray, cv::COLOR_BGR2GRAY);
  cv::Sobel(gray, dx, CV_16S, 1, 0);
  cv::Sobel(gray, dy, CV_16S, 0, 1);
  // Texture changes in every direction at once; the outlines of boxes change across one axis
  // only, so rows of small boxes (a grid of cards, a table) are not mistaken for a photograph.
  cv::Mat strong = (cv::abs(dx) > 24) & (cv::abs(dy) > 24);  // Sobel units: ~6 grey levels
  cv::Mat density;
  cv::resize(strong, density, cv::Size(area.width / kCell, area.height / kCell), 0, 0,
             cv::INTER_AREA);
  cv::Mat textured = density > 255 * 0.08;
  cv::morphologyEx(textured, textured, cv::MORPH_CLOSE,
                   cv::getStructuringElement(cv::MORPH_RECT, {3, 3}));
  cv::Mat labels, stats, centroids;
  int count = cv::connectedComponentsWithStats(textured, labels, stats, centroids, 8, CV_32S);
  for (int i = 1; i < count; ++i) {
    int w = stats.at<int>(i, cv::CC_STAT_WIDTH), h = stats.at<int>(i, cv::CC_STAT_HEIGHT);
    int cells = stats.at<int>(i, cv::CC_STAT_AREA);
    if (w < 6 || h < 4 || cells < 0.5 * w * h) continue;
    // Cell bounds, one cell wider each way, tightened to the pixels that differ from the
    // background: the picture's own edges.
    cv::Rect coarse((stats.at<int>(i, cv::CC_STAT_LEFT) - 1) * kCell,
                    (stats.at<int>(i, cv::CC_STAT_TOP) - 1) * kCell, (w + 2) * kCell,
                    (h + 2) * kCell);
    coarse &= cv::Rect(0, 0, area.width, area.height);
    cv::Rect tight = cv::boundingRect(mask(coarse));
    if (tight.empty()) continue;
    out.push_back(tight + coarse.tl() + area.tl());
  }
  return out;
}

namespace {

// A bordered box whose inside is the background colour (inputs, outlined cards).
bool try_hollow(const cv::Mat& bgr, const cv::Mat& component, const cv::Rect& box,
                const Rgb& background, const SegmentOptions& options, int depth, Budget& budget,
                Element& e) {
  if (box.width < 16 || box.height < 12) return false;
  for (bool horizontal : {true, false}) {
    for (bool far_side : {false, true}) {
      if (edge_coverage(component, horizontal, far_side) < 0.92) return false;
    }
  }
  // Border width: set rows from the top in the middle column.
  int width = 0;
  int limit = std::min(8, box.height / 3);
  while (width < limit && component.at<uchar>(width, component.cols / 2) != 0) ++width;
  // Thicker than a border, or nothing inside it: a band of colour, not an outline.
  if (width == 0 || width >= limit) return false;
  cv::Rect inner(box.x + width, box.y + width, box.width - 2 * width, box.height - 2 * width);
  if (inner.width <= 2 || inner.height <= 2) return false;
  // The outline is thin all round: just inside it, the box is mostly not the outline colour.
  cv::Rect local_inner(width, width, inner.width, inner.height);
  cv::Mat ring = component(local_inner).clone();
  if (ring.rows > 2 && ring.cols > 2) {
    ring(cv::Rect(1, 1, ring.cols - 2, ring.rows - 2)).setTo(0);
    if (cv::countNonZero(ring) > 0.3 * 2 * (ring.rows + ring.cols)) return false;
  }
  e.kind = ElementKind::kContainer;
  e.box = box;
  e.border_width = width;
  e.border_color = rgb_at(bgr, box.x + box.width / 2, box.y + width / 2);
  Dominant inside = dominant_color(bgr, inner);
  e.fill = inside.share > 0.4 ? inside.color : background;
  e.radius = estimate_corner_radius(component);
  if (depth < options.max_depth) {
    segment_into(bgr, inner, *e.fill, options, depth + 1, budget, e.children, e.radius);
  }
  return true;
}

void segment_into(const cv::Mat& bgr, const cv::Rect& area, const Rgb& background,
                  const SegmentOptions& options, int depth, Budget& budget,
                  std::vector<Element>& out, double corner_radius) {
  if (area.width < 3 || area.height < 3 || budget.left <= 0) return;
  // The gradient-free picture serves the page level only: containers' fills come from `bgr`,
  // so what lies inside them is compared with `bgr` too.
  const cv::Mat& source = budget.mask_source && depth == 0 ? *budget.mask_source : bgr;
  cv::Mat mask = difference_mask(source, area, background, options.threshold);
  std::vector<cv::Rect> taken;
  // Photographs and textured backgrounds first, whole: their pixels would otherwise fall apart
  // into hundreds of specks and fragments.
  for (const cv::Rect& r : textured_areas(bgr, area, mask)) {
    Element picture;
    picture.kind = ElementKind::kImage;
    picture.box = r;
    out.push_back(std::move(picture));
    taken.push_back(r);
    mask(r - area.tl()).setTo(0);
    --budget.left;
  }
  cv::Mat labels, stats, centroids;
  int count = cv::connectedComponentsWithStats(mask, labels, stats, centroids, 8, CV_32S);
  struct Candidate {
    int label;
    cv::Rect box;  // page coordinates
    int pixels;
  };
  std::vector<Candidate> candidates;
  for (int i = 1; i < count; ++i) {
    cv::Rect box(stats.at<int>(i, cv::CC_STAT_LEFT) + area.x,
                 stats.at<int>(i, cv::CC_STAT_TOP) + area.y, stats.at<int>(i, cv::CC_STAT_WIDTH),
                 stats.at<int>(i, cv::CC_STAT_HEIGHT));
    int pixels = stats.at<int>(i, cv::CC_STAT_AREA);
    // Specks: noise, stray anti-aliasing, leftovers of erased glyphs.
    if (pixels < 12 || (box.width < 4 && box.height < 4)) continue;
    // Slivers against the area's edge: a rounded corner's outside, a shadow's end.
    bool at_edge = box.x == area.x || box.y == area.y || box.br().x == area.br().x ||
                   box.br().y == area.br().y;
    if (at_edge && pixels < 48 && depth > 0) continue;
    // What lies outside a rounded container's corners, inside its box.
    int corner = static_cast<int>(corner_radius) + 2;
    bool in_corner = corner > 2 && box.width <= corner && box.height <= corner &&
                     (box.x == area.x || box.br().x == area.br().x) &&
                     (box.y == area.y || box.br().y == area.br().y);
    if (in_corner) continue;
    candidates.push_back({i, box, pixels});
  }
  std::sort(candidates.begin(), candidates.end(),
            [](const Candidate& a, const Candidate& b) { return a.box.area() > b.box.area(); });
  for (const auto& c : candidates) {
    if (budget.left <= 0) break;
    if (std::any_of(taken.begin(), taken.end(),
                    [&](const cv::Rect& t) { return contains(t, c.box); })) {
      continue;  // inside a region already taken: its own search finds it
    }
    cv::Rect local = c.box - area.tl();
    cv::Mat component = labels(local) == c.label;
    double fill_ratio = double(c.pixels) / c.box.area();
    Element e;
    e.box = c.box;
    bool thin =
        (c.box.height <= 4 && c.box.width >= 16) || (c.box.width <= 4 && c.box.height >= 16);
    if (thin && fill_ratio >= 0.7) {
      e.kind = ElementKind::kDivider;
      e.fill = dominant_color(bgr, c.box).color;
    } else if (try_hollow(bgr, component, c.box, background, options, depth, budget, e)) {
      // bordered box, searched inside
    } else {
      cv::Rect core = c.box;
      if (core.width > 8 && core.height > 8)
        core = cv::Rect(core.x + 2, core.y + 2, core.width - 4, core.height - 4);
      Dominant dom = dominant_color(bgr, core);
      bool flat = fill_ratio >= 0.85 && dom.share >= 0.55 && c.box.width >= 8 && c.box.height >= 8;
      // A large area of one colour around other things (a tinted band behind white panels) is
      // a container of that colour too: what it surrounds shows up inside it as regions of the
      // outer background.
      Dominant own = dominant_color(bgr, c.box, component);
      bool tinted_area = !flat && fill_ratio >= 0.25 && c.box.area() >= 20000 && own.share >= 0.6;
      if (tinted_area) {
        e.kind = ElementKind::kContainer;
        e.fill = own.color;
        if (depth < options.max_depth) {
          segment_into(bgr, c.box, own.color, options, depth + 1, budget, e.children);
        }
      } else if (flat) {
        e.kind = ElementKind::kContainer;
        e.fill = dom.color;
        estimate_border(bgr, e);
        if (!e.border_color) {
          // A soft shadow or anti-aliased rim can join the region: the box is where its fill is.
          cv::Mat same = difference_mask(bgr, c.box, *e.fill, options.threshold) == 0;
          cv::Rect tight = cv::boundingRect(same) + c.box.tl();
          if (tight.area() >= 0.6 * c.box.area()) e.box = tight;
        }
        e.radius = estimate_corner_radius(component(e.box - c.box.tl()));
        estimate_shadow(bgr, background, e);
        int inset = e.border_width;
        cv::Rect inner(e.box.x + inset, e.box.y + inset, e.box.width - 2 * inset,
                       e.box.height - 2 * inset);
        if (depth < options.max_depth) {
          segment_into(bgr, inner, *e.fill, options, depth + 1, budget, e.children, e.radius);
        }
      } else if (c.box.width >= 6 && c.box.height >= 6) {
        e.kind = ElementKind::kImage;
      } else {
        continue;
      }
    }
    --budget.left;
    taken.push_back(c.box);
    out.push_back(std::move(e));
  }
}

}  // namespace

cv::Mat erase_text(const cv::Mat& bgr, const std::vector<OcrLine>& lines) {
  cv::Mat out = bgr.clone();
  cv::Rect bounds(0, 0, bgr.cols, bgr.rows);
  for (const auto& line : lines) {
    for (const auto& word : line.words) {
      // One pixel of margin takes the anti-aliased fringe of the glyphs too.
      cv::Rect box =
          cv::Rect(word.box.x - 1, word.box.y - 1, word.box.width + 2, word.box.height + 2) &
          bounds;
      if (box.empty()) continue;
      Rgb around = ring_median(bgr, box);
      out(box).setTo(cv::Scalar(around.b, around.g, around.r));
    }
  }
  return out;
}

std::vector<Element> segment_regions(const cv::Mat& bgr, const cv::Rect& area,
                                     const Rgb& background, const SegmentOptions& options,
                                     const cv::Mat& mask_source) {
  std::vector<Element> out;
  Budget budget{options.max_elements, mask_source.empty() ? nullptr : &mask_source};
  segment_into(bgr, area & cv::Rect(0, 0, bgr.cols, bgr.rows), background, options, 0, budget, out);
  return out;
}

std::optional<VerticalGradient> find_vertical_gradient(const cv::Mat& bgr) {
  if (bgr.rows < 64 || bgr.cols < 32) return std::nullopt;
  VerticalGradient g;
  g.rows.reserve(bgr.rows);
  for (int y = 0; y < bgr.rows; ++y) {
    // Median of the outer 4 px on both sides: content rarely touches both edges.
    std::vector<Rgb> samples;
    for (int x : {0, 1, 2, 3, bgr.cols - 4, bgr.cols - 3, bgr.cols - 2, bgr.cols - 1}) {
      samples.push_back(rgb_at(bgr, x, y));
    }
    auto channel = [&](int Rgb::*c) {
      std::vector<int> v;
      for (const auto& s : samples) v.push_back(s.*c);
      return median(std::move(v));
    };
    g.rows.push_back({channel(&Rgb::r), channel(&Rgb::g), channel(&Rgb::b)});
  }
  // Smooth (no row steps by more than a few levels: a band's edge is a step, not a gradient)
  // and wide enough to matter.
  for (size_t y = 1; y < g.rows.size(); ++y) {
    if (color_distance(g.rows[y], g.rows[y - 1]) > 4) return std::nullopt;
  }
  g.top = g.rows.front();
  g.bottom = g.rows.back();
  if (color_distance(g.top, g.bottom) < 20) return std::nullopt;
  return g;
}

cv::Mat flatten_gradient(const cv::Mat& bgr, const VerticalGradient& g) {
  cv::Mat out(bgr.size(), CV_8UC3);
  for (int y = 0; y < bgr.rows; ++y) {
    cv::Scalar shift(g.top.b - g.rows[y].b, g.top.g - g.rows[y].g, g.top.r - g.rows[y].r);
    cv::Mat row;
    bgr.row(y).convertTo(row, CV_16SC3);
    row += shift;
    row.convertTo(out.row(y), CV_8UC3);
  }
  return out;
}

double estimate_corner_radius(const cv::Mat& mask) {
  int limit = std::min({mask.rows, mask.cols}) / 2;
  limit = std::min(limit, 64);
  if (limit < 2) return 0;
  std::vector<double> radii;
  for (int corner = 0; corner < 4; ++corner) {
    bool right = corner & 1, bottom = corner & 2;
    int missing = 0;
    for (int dy = 0; dy < limit; ++dy) {
      for (int dx = 0; dx < limit; ++dx) {
        int x = right ? mask.cols - 1 - dx : dx;
        int y = bottom ? mask.rows - 1 - dy : dy;
        if (!mask.at<uchar>(y, x)) ++missing;
      }
    }
    // A quarter-circle corner of radius r leaves r^2 (1 - pi/4) pixels outside.
    radii.push_back(std::sqrt(missing / (1 - std::numbers::pi / 4)));
  }
  std::sort(radii.begin(), radii.end());
  double r = (radii[1] + radii[2]) / 2;  // middle two: robust to one odd corner
  if (r < 1.5) return 0;
  return std::min<double>(std::round(r), limit);
}

void estimate_border(const cv::Mat& bgr, Element& e) {
  if (!e.fill || e.box.width < 12 || e.box.height < 12) return;
  int cx = e.box.x + e.box.width / 2, cy = e.box.y + e.box.height / 2;
  Rgb top = rgb_at(bgr, cx, e.box.y), bottom = rgb_at(bgr, cx, e.box.br().y - 1);
  Rgb left = rgb_at(bgr, e.box.x, cy), right = rgb_at(bgr, e.box.br().x - 1, cy);
  if (color_distance(top, *e.fill) <= 16) return;
  for (const Rgb& side : {bottom, left, right}) {
    if (color_distance(side, top) > 20) return;
  }
  int width = 1;
  while (width < std::min(6, e.box.height / 4) &&
         color_distance(rgb_at(bgr, cx, e.box.y + width), top) <= 20) {
    ++width;
  }
  e.border_color = top;
  e.border_width = width;
}

void estimate_shadow(const cv::Mat& bgr, const Rgb& background, Element& e) {
  double base = luminance(background);
  int cx = e.box.x + e.box.width / 2;
  auto darkening = [&](int y) {
    if (y < 0 || y >= bgr.rows) return 0.0;
    return base - luminance(rgb_at(bgr, cx, y));
  };
  int below = 0, above = 0;
  while (below < 24 && darkening(e.box.br().y + below) >= 1.5) ++below;
  while (above < 24 && darkening(e.box.y - 1 - above) >= 1.5) ++above;
  if (below < 2) return;
  double strongest = darkening(e.box.br().y);
  Shadow s;
  s.y = std::max(0.0, (below - above) / 2.0);
  s.blur = below + above;
  s.alpha = std::clamp(2 * strongest / 255.0, 0.05, 0.5);
  e.shadow = s;
}

}  // namespace od::image2code
