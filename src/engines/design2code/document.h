// The canvas document (docs/canvas-schema.md): a versioned tree of design nodes with geometry,
// layout, paint and text. parse_document() turns untrusted JSON into this typed tree, checking
// every value and limit on the way, so the code generators can trust what they walk.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "engines/design2code/color.h"
#include "engines/design2code/validate.h"

namespace od::design2code {

inline constexpr int kSchemaVersion = 1;

enum class NodeType {
  kFrame,
  kGroup,
  kRectangle,
  kEllipse,
  kLine,
  kText,
  kImage,
  kVector,
  kComponent,
  kInstance
};

struct GradientStop {
  double position = 0;  // 0..1 along the gradient
  Color color;
};

struct Paint {
  enum class Kind { kSolid, kLinear, kRadial, kImage } kind = Kind::kSolid;
  Color color;                            // solid
  std::vector<GradientStop> stops;        // gradients
  double angle = 180;                     // linear, CSS degrees (180 = top to bottom)
  double center_x = 0.5, center_y = 0.5;  // radial, fractions of the box
  std::string asset_id;                   // image
  std::string scale_mode = "fill";        // image: fill | fit | tile | stretch
  double opacity = 1;
};

enum class StrokeAlign { kInside, kCenter, kOutside };

struct Stroke {
  Color color;
  double top = 0, right = 0, bottom = 0, left = 0;  // per-side weights
  StrokeAlign align = StrokeAlign::kInside;
};

struct Effect {
  enum class Kind { kDropShadow, kInnerShadow, kLayerBlur, kBackgroundBlur } kind;
  double x = 0, y = 0, radius = 0, spread = 0;
  Color color;
};

struct CornerRadii {
  double top_left = 0, top_right = 0, bottom_right = 0, bottom_left = 0;
  bool any() const { return top_left > 0 || top_right > 0 || bottom_right > 0 || bottom_left > 0; }
};

enum class HConstraint { kLeft, kRight, kCenter, kScale, kLeftRight };
enum class VConstraint { kTop, kBottom, kCenter, kScale, kTopBottom };
enum class Sizing { kFixed, kHug, kFill };

struct AutoLayout {
  bool row = true;  // direction: horizontal (row) or vertical (column)
  double gap = 0;
  double padding_top = 0, padding_right = 0, padding_bottom = 0, padding_left = 0;
  std::string main_align = "start";   // start | center | end | space-between
  std::string cross_align = "start";  // start | center | end | baseline
  bool wrap = false;
};

// Every field is optional so a run can override only what differs from the node's style.
struct TextStyle {
  std::optional<std::string> font_family;
  std::optional<double> font_size;
  std::optional<int> font_weight;
  std::optional<bool> italic;
  std::optional<double> line_height;      // px
  std::optional<double> letter_spacing;   // px
  std::optional<std::string> text_align;  // left | center | right | justify
  std::optional<std::string> decoration;  // none | underline | line-through
  std::optional<std::string> transform;   // none | uppercase | lowercase | capitalize
  std::optional<Color> color;
};

struct TextRun {
  std::string text;
  TextStyle style;
};

// Per-breakpoint overrides of a node (applied inside that breakpoint's media query).
struct Override {
  std::optional<bool> visible;
  std::optional<double> x, y, width, height, gap, font_size;
  std::optional<bool> row;  // auto-layout direction
};

// What an instance changes in one descendant of its component (docs/canvas-schema.md,
// "Instance overrides"); unset fields keep the component's value.
struct InstanceOverride {
  std::optional<bool> visible;
  std::optional<std::string> characters;  // text nodes: replaces the text (and its runs)
  std::optional<std::vector<Paint>> fills;
  std::optional<double> opacity;
  // Placement inside its parent: Figma instances resized from their component move and resize
  // the descendants their constraints tie to the instance's edges.
  std::optional<double> x, y, width, height;
};

struct Node {
  std::string id;
  NodeType type = NodeType::kFrame;
  std::string name;
  std::string pointer;  // JSON pointer of the node in its document, for messages
  double x = 0, y = 0, width = 0, height = 0, rotation = 0;
  bool visible = true;
  double opacity = 1;
  std::string blend_mode = "normal";
  bool clip = false;
  bool absolute = false;  // ignores the parent's auto-layout
  HConstraint h_constraint = HConstraint::kLeft;
  VConstraint v_constraint = VConstraint::kTop;
  Sizing h_sizing = Sizing::kFixed, v_sizing = Sizing::kFixed;
  std::optional<AutoLayout> layout;
  std::vector<Paint> fills;
  std::optional<Stroke> stroke;
  CornerRadii radii;
  std::vector<Effect> effects;
  // Text nodes.
  std::string characters;
  TextStyle text_style;
  std::vector<TextRun> runs;                  // empty: one run of `characters` in `text_style`
  std::string vector_path;                    // vector nodes: SVG path data
  std::string asset_id;                       // image nodes
  std::string component_id;                   // instance nodes
  std::string link;                           // optional hyperlink target
  std::map<std::string, Override> overrides;  // by breakpoint name
  // Instance nodes: overrides by descendant id inside the component ("<id>", or through nested
  // instances "<instance id>;<id>").
  std::map<std::string, InstanceOverride> instance_overrides;
  nlohmann::json metadata = nlohmann::json::object();  // unknown properties, kept as they came
  std::vector<Node> children;
};

struct Breakpoint {
  std::string name;
  double max_width = 0;
};

// Move-only: `components` points into `children`, which a move keeps in place but a copy would not.
struct Document {
  Document() = default;
  Document(Document&&) = default;
  Document& operator=(Document&&) = default;
  Document(const Document&) = delete;
  Document& operator=(const Document&) = delete;

  int version = kSchemaVersion;
  std::string name;
  std::vector<Breakpoint> breakpoints;
  std::vector<Node> children;  // top-level frames are pages; top-level components are library
  nlohmann::json metadata = nlohmann::json::object();
  // Components by id (pointers into `children`), filled by parse_document.
  std::map<std::string, const Node*> components;
};

// Parses and validates `json`. Throws InvalidDocument listing every problem found (up to a cap),
// each with the JSON pointer it concerns. Never crashes on hostile input within the limits.
Document parse_document(const nlohmann::json& json, const Limits& limits = {});

// Parses text first (with a nesting guard, so a deep array cannot exhaust the stack).
Document parse_document_text(std::string_view text, const Limits& limits = {});

const char* node_type_name(NodeType type);

}  // namespace od::design2code
