// The engine's picture of a screenshot between stages: elements with page-absolute boxes
// (containers with paint, text blocks with measured style, image crops, dividers) nested as
// the segmentation and layout stages found them. canvas_writer.cpp turns it into a canvas
// document; every stage reads and writes this one structure so each can be tested alone.
#pragma once

#include <opencv2/core/types.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace od::image2code {

struct Rgb {
  int r = 0, g = 0, b = 0;
  bool operator==(const Rgb&) const = default;
};

struct Shadow {
  double x = 0, y = 0, blur = 0;
  Rgb color;
  double alpha = 0.15;
};

// Auto-layout of a container's children, in the canvas document's terms.
struct LayoutEstimate {
  bool row = false;
  double gap = 0;
  double padding_top = 0, padding_right = 0, padding_bottom = 0, padding_left = 0;
  std::string cross_align = "start";  // start | center | end
};

struct TextStyleEstimate {
  double font_size = 16;
  int weight = 400;
  Rgb color;
  double line_height = 0;  // px between baselines; 0 for one line
  std::string align = "left";
  // "uppercase" when the picture shows capitals only and `text` holds them in title case: pages
  // set such labels with text-transform, so the source text is likelier "Contact Me" than
  // "CONTACT ME", and the render is the same either way.
  std::string transform;
};

enum class ElementKind { kContainer, kGroup, kText, kImage, kDivider };

struct Element {
  ElementKind kind = ElementKind::kGroup;
  cv::Rect box;  // page coordinates
  // Containers and dividers.
  std::optional<Rgb> fill;
  std::optional<std::pair<Rgb, Rgb>> gradient;  // top-to-bottom, drawn instead of `fill`
  std::optional<Rgb> border_color;
  int border_width = 0;
  double radius = 0;
  std::optional<Shadow> shadow;
  // Text: lines joined by '\n', as they were laid out in the picture.
  std::string text;
  TextStyleEstimate style;
  int line_count = 0;
  // Images: the asset file name written beside the code.
  std::string asset;
  // Components: button, input, nav, card, list, list-item (empty: none recognised).
  std::string role;
  std::optional<LayoutEstimate> layout;
  std::vector<Element> children;
};

}  // namespace od::image2code
