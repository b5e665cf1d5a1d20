#include "engines/image2code/palette.h"

#include <algorithm>
#include <cmath>
#include <functional>

#include "engines/image2code/color.h"

namespace od::image2code {
namespace {

void each_color(Element& e, const std::function<void(Rgb&, double)>& f) {
  double area = double(e.box.area());
  if (e.fill) f(*e.fill, area);
  if (e.border_color) f(*e.border_color, area * 0.05);
  if (e.kind == ElementKind::kText) f(e.style.color, area);
  for (auto& c : e.children) each_color(c, f);
}

void each_layout(Element& e, const std::function<void(LayoutEstimate&)>& f) {
  if (e.layout) f(*e.layout);
  for (auto& c : e.children) each_layout(c, f);
}

}  // namespace

std::vector<PaletteEntry> snap_colors(Element& root, int merge_distance) {
  std::vector<PaletteEntry> uses;
  each_color(root, [&](Rgb& c, double w) { uses.push_back({c, w}); });
  std::stable_sort(uses.begin(), uses.end(), [](const PaletteEntry& a, const PaletteEntry& b) {
    return a.weight > b.weight;
  });
  std::vector<PaletteEntry> palette;
  for (const auto& u : uses) {
    auto near = std::find_if(palette.begin(), palette.end(), [&](const PaletteEntry& p) {
      return color_distance(p.color, u.color) <= merge_distance;
    });
    if (near == palette.end()) {
      palette.push_back(u);
    } else {
      near->weight += u.weight;
    }
  }
  each_color(root, [&](Rgb& c, double) {
    auto near = std::find_if(palette.begin(), palette.end(), [&](const PaletteEntry& p) {
      return color_distance(p.color, c) <= merge_distance;
    });
    if (near != palette.end()) c = near->color;
  });
  std::stable_sort(
      palette.begin(), palette.end(),
      [](const PaletteEntry& a, const PaletteEntry& b) { return a.weight > b.weight; });
  return palette;
}

int snap_spacing(Element& root) {
  std::vector<double> values;
  each_layout(root, [&](LayoutEstimate& l) {
    for (double v : {l.gap, l.padding_top, l.padding_right, l.padding_bottom, l.padding_left}) {
      if (v > 0) values.push_back(v);
    }
  });
  if (values.size() < 6) return 0;
  auto on_grid = [&](int grid) {
    int hits = 0;
    for (double v : values) {
      double off = std::abs(v - grid * std::round(v / grid));
      hits += off < 0.5;
    }
    return double(hits) / values.size();
  };
  int grid = on_grid(8) >= 0.7 ? 8 : on_grid(4) >= 0.7 ? 4 : 0;
  if (!grid) return 0;
  // Only values one pixel off move: a measurement error, not a design decision.
  auto snap = [&](double& v) {
    double target = grid * std::round(v / grid);
    if (std::abs(v - target) <= 1) v = target;
  };
  each_layout(root, [&](LayoutEstimate& l) {
    for (double* v : {&l.gap, &l.padding_top, &l.padding_right, &l.padding_bottom, &l.padding_left})
      snap(*v);
  });
  return grid;
}

}  // namespace od::image2code
