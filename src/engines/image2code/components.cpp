#include "engines/image2code/components.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "engines/image2code/color.h"

namespace od::image2code {
namespace {

void collect_texts(const Element& e, std::vector<const Element*>& out) {
  for (const auto& c : e.children) {
    if (c.kind == ElementKind::kText) out.push_back(&c);
    collect_texts(c, out);
  }
}

int count_kind(const Element& e, ElementKind kind) {
  int n = 0;
  for (const auto& c : e.children) n += (c.kind == kind) + count_kind(c, kind);
  return n;
}

bool looks_like_button(const Element& e, const std::vector<const Element*>& texts) {
  if (e.kind != ElementKind::kContainer || !(e.fill || e.border_color)) return false;
  const auto& b = e.box;
  if (b.height < 20 || b.height > 80 || b.width > 480 || b.width < b.height) return false;
  if (texts.size() != 1 || texts.front()->line_count != 1) return false;
  if (count_kind(e, ElementKind::kImage) > 1) return false;
  const cv::Rect& t = texts.front()->box;
  double centre_offset = std::abs((t.x + t.width / 2.0) - (b.x + b.width / 2.0));
  return centre_offset <= 0.12 * b.width + 4 && t.width >= 0.3 * b.width;
}

bool looks_like_input(const Element& e, const std::vector<const Element*>& texts) {
  if (e.kind != ElementKind::kContainer || !e.border_color || !e.fill) return false;
  const auto& b = e.box;
  if (b.height < 24 || b.height > 72 || b.width < 3 * b.height) return false;
  if (luminance(*e.fill) < 200 || texts.size() > 1) return false;
  if (texts.empty()) return true;
  const cv::Rect& t = texts.front()->box;
  return t.x - b.x < 0.3 * b.width && texts.front()->line_count == 1;
}

bool looks_like_card(const Element& e) {
  if (e.kind != ElementKind::kContainer) return false;
  if (e.box.width < 120 || e.box.height < 80) return false;
  bool framed = e.radius > 0 || e.border_color || e.shadow;
  int content = 0;
  std::vector<const Element*> texts;
  collect_texts(e, texts);
  content = int(texts.size()) + count_kind(e, ElementKind::kImage);
  return framed && content >= 2;
}

// Three or more short text items side by side near the top, across most of the page.
bool looks_like_nav(const Element& e, const std::vector<const Element*>& texts, int page_width) {
  if (e.kind == ElementKind::kText || e.kind == ElementKind::kImage) return false;
  if (e.box.y > 200 || e.box.width < 0.7 * page_width || e.box.height > 140) return false;
  int items = 0;
  for (const auto* t : texts) {
    if (t->line_count == 1 && t->text.size() <= 24) ++items;
  }
  if (items < 3) return false;
  // All on one band: their vertical extents overlap the first's.
  const cv::Rect& first = texts.front()->box;
  return std::all_of(texts.begin(), texts.end(), [&](const Element* t) {
    return t->box.y < first.br().y && first.y < t->box.br().y;
  });
}

bool alike(const Element& a, const Element& b) {
  if (a.kind != b.kind) return false;
  auto close = [](int x, int y) { return std::abs(x - y) <= 0.15 * std::max(x, y) + 2; };
  return close(a.box.width, b.box.width) && close(a.box.height, b.box.height);
}

void visit(Element& e, int page_width, bool inside_component, bool page = false) {
  std::vector<const Element*> texts;
  collect_texts(e, texts);
  if (!inside_component && !page) {
    if (looks_like_button(e, texts)) {
      e.role = "button";
    } else if (looks_like_input(e, texts)) {
      e.role = "input";
    } else if (looks_like_nav(e, texts, page_width)) {
      e.role = "nav";
    } else if (looks_like_card(e)) {
      e.role = "card";
    }
  }
  if (e.role.empty() && e.layout && e.children.size() >= 3 &&
      std::all_of(e.children.begin(), e.children.end(), [&](const Element& c) {
        return alike(c, e.children.front()) && c.kind != ElementKind::kDivider;
      })) {
    e.role = "list";
    for (auto& c : e.children) {
      if (c.role.empty()) c.role = "list-item";
    }
  }
  bool atomic = e.role == "button" || e.role == "input";
  for (auto& c : e.children) visit(c, page_width, inside_component || atomic);
}

}  // namespace

void recognise_components(Element& root, int page_width) { visit(root, page_width, false, true); }

}  // namespace od::image2code
