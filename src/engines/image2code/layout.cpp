#include "engines/image2code/layout.h"

#include <algorithm>
#include <cmath>

namespace od::image2code {
namespace {

cv::Rect union_of(const std::vector<Element>& items) {
  cv::Rect box = items.front().box;
  for (const auto& e : items) box |= e.box;
  return box;
}

bool holds(const Element& container, const cv::Rect& box) {
  if (container.kind != ElementKind::kContainer) return false;
  double inside = (container.box & box).area();
  return box.area() > 0 && inside >= 0.8 * box.area();
}

void place_one(Element& parent, Element item) {
  for (auto& child : parent.children) {
    if (holds(child, item.box)) {
      place_one(child, std::move(item));
      return;
    }
  }
  parent.children.push_back(std::move(item));
}

// Splits `items` at the gaps of their projections on one axis; false when there is no gap.
bool split(std::vector<Element>& items, bool along_y, std::vector<std::vector<Element>>& parts) {
  auto start = [&](const Element& e) { return along_y ? e.box.y : e.box.x; };
  auto end = [&](const Element& e) { return along_y ? e.box.br().y : e.box.br().x; };
  std::stable_sort(items.begin(), items.end(),
                   [&](const Element& a, const Element& b) { return start(a) < start(b); });
  parts.clear();
  int reach = INT32_MIN;
  for (auto& e : items) {
    if (parts.empty() || start(e) >= reach) {
      parts.emplace_back();
      reach = end(e);
    } else {
      reach = std::max(reach, end(e));
    }
    parts.back().push_back(std::move(e));
  }
  if (parts.size() >= 2) return true;
  items = std::move(parts.front());
  return false;
}

void cut(Element& parent, std::vector<Element> items, const LayoutOptions& options, int depth);

void finish(Element& parent, bool row, bool ordered, const LayoutOptions& options) {
  if (ordered && !parent.children.empty()) parent.layout = infer_layout(parent, row, options);
}

void cut(Element& parent, std::vector<Element> items, const LayoutOptions& options, int depth) {
  parent.children.clear();
  if (items.size() <= 1 || depth > options.max_depth) {
    parent.children = std::move(items);
    bool row =
        !parent.children.empty() && parent.children.front().box.width * parent.box.height >=
                                        parent.children.front().box.height * parent.box.width;
    finish(parent, row, true, options);
    return;
  }
  std::vector<std::vector<Element>> parts;
  bool row = false;
  if (!split(items, true, parts)) {
    if (split(items, false, parts)) {
      row = true;
    } else {
      parent.children = std::move(items);  // overlapping: free-form
      return;
    }
  }
  for (auto& part : parts) {
    if (part.size() == 1) {
      parent.children.push_back(std::move(part.front()));
      continue;
    }
    Element group;
    group.kind = ElementKind::kGroup;
    group.box = union_of(part);
    cut(group, std::move(part), options, depth + 1);
    parent.children.push_back(std::move(group));
  }
  finish(parent, row, true, options);
}

}  // namespace

void place_into_containers(Element& root, std::vector<Element> items) {
  // Largest first, so a container is in place before what it holds arrives.
  std::stable_sort(items.begin(), items.end(),
                   [](const Element& a, const Element& b) { return a.box.area() > b.box.area(); });
  for (auto& item : items) place_one(root, std::move(item));
}

void arrange(Element& parent, const LayoutOptions& options) {
  for (auto& child : parent.children) {
    if (child.kind == ElementKind::kContainer) arrange(child, options);
  }
  std::vector<Element> items = std::move(parent.children);
  cut(parent, std::move(items), options, 0);
}

std::optional<LayoutEstimate> infer_layout(const Element& parent, bool row,
                                           const LayoutOptions& options) {
  const auto& kids = parent.children;
  if (kids.empty()) return std::nullopt;
  int inset = parent.border_width;
  cv::Rect inner(parent.box.x + inset, parent.box.y + inset, parent.box.width - 2 * inset,
                 parent.box.height - 2 * inset);
  auto main_start = [&](const cv::Rect& r) { return row ? r.x : r.y; };
  auto main_end = [&](const cv::Rect& r) { return row ? r.br().x : r.br().y; };
  auto cross_start = [&](const cv::Rect& r) { return row ? r.y : r.x; };
  auto cross_end = [&](const cv::Rect& r) { return row ? r.br().y : r.br().x; };
  std::vector<int> gaps;
  for (size_t i = 1; i < kids.size(); ++i) {
    gaps.push_back(main_start(kids[i].box) - main_end(kids[i - 1].box));
  }
  LayoutEstimate layout;
  layout.row = row;
  if (!gaps.empty()) {
    auto [lo, hi] = std::minmax_element(gaps.begin(), gaps.end());
    if (*lo < 0 || *hi - *lo > options.tolerance) return std::nullopt;
    double sum = 0;
    for (int g : gaps) sum += g;
    layout.gap = std::round(sum / gaps.size());
  }
  double lead = main_start(kids.front().box) - main_start(inner);
  double trail = main_end(inner) - main_end(kids.back().box);
  if (lead < 0 || trail < 0) return std::nullopt;
  int lo_start = INT32_MAX, hi_start = INT32_MIN, lo_end = INT32_MAX, hi_end = INT32_MIN;
  double lo_centre = 1e18, hi_centre = -1e18;
  for (const auto& k : kids) {
    int s = cross_start(k.box) - cross_start(inner);
    int e = cross_end(inner) - cross_end(k.box);
    if (s < 0 || e < 0) return std::nullopt;
    lo_start = std::min(lo_start, s);
    hi_start = std::max(hi_start, s);
    lo_end = std::min(lo_end, e);
    hi_end = std::max(hi_end, e);
    double centre = (s - e) / 2.0;  // offset of the child's centre from the inner centre
    lo_centre = std::min(lo_centre, centre);
    hi_centre = std::max(hi_centre, centre);
  }
  double cross_lead = 0, cross_trail = 0;
  // Centred first: a lone label centred in a button is "centre", not "start at 10 px".
  if (hi_centre - lo_centre <= options.tolerance && std::abs(hi_centre) <= options.tolerance) {
    layout.cross_align = "center";
  } else if (hi_start - lo_start <= options.tolerance) {
    layout.cross_align = "start";
    cross_lead = lo_start;
  } else if (hi_end - lo_end <= options.tolerance) {
    layout.cross_align = "end";
    cross_trail = lo_end;
  } else {
    return std::nullopt;
  }
  if (row) {
    layout.padding_left = lead;
    layout.padding_right = trail;
    layout.padding_top = cross_lead;
    layout.padding_bottom = cross_trail;
  } else {
    layout.padding_top = lead;
    layout.padding_bottom = trail;
    layout.padding_left = cross_lead;
    layout.padding_right = cross_trail;
  }
  return layout;
}

}  // namespace od::image2code
