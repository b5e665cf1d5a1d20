#include "engines/design2code/html_generator.h"

#include <algorithm>
#include <cmath>
#include <deque>
#include <set>
#include <unordered_set>

#include "engines/design2code/css.h"
#include "engines/design2code/element_tree.h"
#include "engines/design2code/instance_overrides.h"
#include "engines/design2code/naming.h"
#include "engines/design2code/tokens.h"

namespace od::design2code {

std::string escape_html(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

namespace {

using Kind = Tokens::Kind;

bool is_container(NodeType t) {
  return t == NodeType::kFrame || t == NodeType::kGroup || t == NodeType::kComponent ||
         t == NodeType::kInstance;
}

// Whole words "button"/"btn" in a layer name mark a button; designers name them that way.
bool named_button(const std::string& name) {
  std::string slug = slugify(name, "");
  std::string padded = "-" + slug + "-";
  return padded.find("-button-") != padded.npos || padded.find("-btn-") != padded.npos;
}

double font_size(const TextStyle& s) { return s.font_size.value_or(16); }

double largest_font(const Node& n) {
  double size = font_size(n.text_style);
  for (const auto& run : n.runs) size = std::max(size, run.style.font_size.value_or(size));
  return size;
}

std::string font_value(const std::string& family) { return "\"" + family + "\", sans-serif"; }

// The layout and semantics pass every target shares (build_element_tree, element_tree.h): tags,
// classes and the style sheet. The HTML markup below and framework_markup print its result.
class Generator {
 public:
  Generator(const Document& doc, const GenerateOptions& options) : doc_(doc), options_(options) {}

  ElementTree run() {
    std::vector<const Node*> pages;
    if (options_.frame.empty()) {
      for (const auto& node : doc_.children) {
        if (node.type == NodeType::kFrame) pages.push_back(&node);
      }
    } else if (const Node* page = named_page()) {
      pages.push_back(page);
    } else {
      throw InvalidDocument(std::vector<Issue>{
          {"", "no top-level frame or component has the id or name '" + options_.frame + "'"}});
    }
    ElementTree tree;
    std::vector<Element>& roots = tree.pages;
    for (const Node* page : pages) {
      roots.push_back(build(*page, nullptr, nullptr, 1));
      // Unique, unlike classes that identical pages share.
      tree.page_names.push_back(roots.back().cls);
    }
    for (auto& root : roots) assign_headings(root);
    for (const auto& root : roots) count_tokens(root);
    tokens_.freeze();

    css::StyleSheet base;
    base.add_raw(
        "*, *::before, *::after {\n  box-sizing: border-box;\n  margin: 0;\n  padding: 0;\n}\n\n"
        "button, a {\n  border: 0;\n  background: none;\n  font: inherit;\n  color: inherit;\n"
        "  text-align: inherit;\n  text-decoration: none;\n  cursor: pointer;\n}\n\n"
        "ul {\n  list-style: none;\n}\n\n"
        "[hidden] {\n  display: none !important;\n}\n\n"
        "img, svg {\n  display: block;\n}");
    base.add_rule(":root", tokens_.root());
    for (auto& root : roots) add_styles(root);
    tree.base_css = base.str();
    tree.class_css = sheet_.str();
    tree.expanded = std::move(arena_);
    return tree;
  }

 private:
  // The page `--frame` names: a top-level frame by id, else by name; then a top-level component
  // (a library component placed on the page outside any frame) the same way, compiled as a page
  // of its own so it can be seen and measured.
  const Node* named_page() const {
    for (NodeType type : {NodeType::kFrame, NodeType::kComponent}) {
      for (const auto& node : doc_.children) {
        if (node.type == type && node.id == options_.frame) return &node;
      }
      for (const auto& node : doc_.children) {
        if (node.type == type && node.name == options_.frame) return &node;
      }
    }
    return nullptr;
  }

  // An instance without children of its own shows its component: a copy of the component with
  // the instance's identity and placement.
  const Node& resolve(const Node& node) {
    if (node.type != NodeType::kInstance || !node.children.empty()) return node;
    auto it = doc_.components.find(node.component_id);
    if (it == doc_.components.end()) return node;
    const Node& c = *it->second;
    Node& merged = arena_.emplace_back();
    merged.type = NodeType::kInstance;
    merged.id = node.id;
    merged.name = node.name.empty() ? c.name : node.name;
    merged.pointer = node.pointer;
    merged.x = node.x, merged.y = node.y, merged.width = node.width, merged.height = node.height;
    merged.rotation = node.rotation, merged.visible = node.visible, merged.absolute = node.absolute;
    merged.opacity = node.opacity, merged.blend_mode = node.blend_mode;
    merged.h_constraint = node.h_constraint, merged.v_constraint = node.v_constraint;
    merged.h_sizing = node.h_sizing, merged.v_sizing = node.v_sizing;
    merged.link = node.link, merged.overrides = node.overrides;
    merged.component_id = node.component_id;
    // Visual properties come from the instance when it sets them, else from the component.
    merged.layout = node.layout ? node.layout : c.layout;
    merged.fills = node.fills.empty() ? c.fills : node.fills;
    merged.stroke = node.stroke ? node.stroke : c.stroke;
    merged.radii = node.radii.any() ? node.radii : c.radii;
    merged.effects = node.effects.empty() ? c.effects : node.effects;
    merged.clip = node.clip || c.clip;
    merged.children = c.children;  // expanded below with ids prefixed by the instance's
    apply_instance_overrides(merged.children, node.instance_overrides);
    return merged;
  }

  // `instance` is null outside expanded instances; inside one it is the id of the innermost
  // expanded instance, whose component's nodes get ids "I<instance>;<node>" (expanded_id), as
  // Figma names instance sublayers, so ids stay unique when a component is used many times and
  // imported Figma instances keep Figma's ids.
  Element build(const Node& source, const Node* parent, const std::string* instance, int depth) {
    if (++elements_ > options_.max_elements || depth > options_.max_depth) {
      throw InvalidDocument(std::vector<Issue>{
          {source.pointer, "instances expand to more than " +
                               std::to_string(options_.max_elements) + " elements or " +
                               std::to_string(options_.max_depth) + " levels"}});
    }
    const Node& node = resolve(source);
    Element e;
    e.node = &node;
    e.expanded_instance = &node != &source;
    e.parent = parent;
    e.id = instance ? expanded_id(*instance, source.id) : source.id;
    // A hand-written id can spell an expanded one ("Ia;b" beside instance "a" showing "b").
    if (!element_ids_.insert(e.id).second) {
      throw InvalidDocument(std::vector<Issue>{
          {source.pointer, "instance expansion gives two elements the id '" + e.id + "'"}});
    }
    e.cls = names_.unique(slugify(node.name, node_type_name(node.type)));
    // Breakpoints that show or hide the node need the class to say it, not the attribute.
    bool breakpoint_visibility = std::any_of(node.overrides.begin(), node.overrides.end(),
                                             [](const auto& o) { return o.second.visible; });
    e.hidden_attribute = instance && !node.visible && !breakpoint_visibility;
    const std::string* child_instance = e.expanded_instance ? &e.id : instance;
    for (const auto& child : node.children) {
      e.children.push_back(build(child, &node, child_instance, depth + 1));
    }
    e.tag = pick_tag(e, parent);
    return e;
  }

  std::string pick_tag(Element& e, const Node* parent) {
    const Node& n = *e.node;
    if (n.type == NodeType::kImage) return "img";
    if (n.type == NodeType::kVector) return "svg";
    if (n.type == NodeType::kText) return n.link.empty() ? "p" : "a";  // headings: later pass
    if (!is_container(n.type)) return "div";
    if (!n.link.empty()) return "a";
    if (parent && named_button(n.name)) return "button";
    // Three or more alike siblings (instances of one component, or same type and name) read as
    // a list.
    if (e.children.size() >= 3 && n.layout) {
      const Node& first = *e.children[0].node;
      bool alike = std::all_of(e.children.begin(), e.children.end(), [&](const Element& c) {
        if (first.type == NodeType::kInstance) return c.node->component_id == first.component_id;
        return c.node->type == first.type && c.node->name == first.name;
      });
      bool has_interactive = std::any_of(e.children.begin(), e.children.end(),
                                         [](auto& c) { return c.tag == "a" || c.tag == "button"; });
      if (alike && !has_interactive) {
        for (auto& c : e.children) {
          if (c.tag == "div") c.tag = "li";
        }
        if (std::all_of(e.children.begin(), e.children.end(),
                        [](const Element& c) { return c.tag == "li"; })) {
          return "ul";
        }
        for (auto& c : e.children) {
          if (c.tag == "li") c.tag = "div";
        }
      }
    }
    return "div";
  }

  // Text hierarchy: on each page the distinct font sizes of 20px and more, largest first, become
  // h1..h6; smaller text stays a paragraph. Text inside buttons and links stays a span.
  void assign_headings(Element& page) {
    std::set<double, std::greater<>> sizes;
    collect_sizes(page, sizes);
    std::vector<double> ranked(sizes.begin(), sizes.end());
    if (ranked.size() > 6) ranked.resize(6);
    apply_headings(page, ranked, false);
  }

  void collect_sizes(const Element& e, std::set<double, std::greater<>>& sizes) {
    if (e.node->type == NodeType::kText && e.node->visible && largest_font(*e.node) >= 20) {
      sizes.insert(largest_font(*e.node));
    }
    for (const auto& c : e.children) collect_sizes(c, sizes);
  }

  void apply_headings(Element& e, const std::vector<double>& ranked, bool inline_context) {
    if (e.node->type == NodeType::kText && e.tag == "p") {
      if (inline_context) {
        e.tag = "span";
      } else {
        auto it = std::find(ranked.begin(), ranked.end(), largest_font(*e.node));
        if (it != ranked.end()) e.tag = "h" + std::to_string(it - ranked.begin() + 1);
      }
    }
    bool inner = inline_context || e.tag == "a" || e.tag == "button";
    for (auto& c : e.children) apply_headings(c, ranked, inner);
  }

  // --- tokens -----------------------------------------------------------------------------

  void count_paints(const std::vector<Paint>& fills) {
    for (const auto& p : fills) {
      if (p.kind == Paint::Kind::kSolid) tokens_.count(Kind::kColor, css::color(solid(p)));
    }
  }

  void count_tokens(const Element& e) {
    const Node& n = *e.node;
    count_paints(n.fills);
    if (n.stroke) tokens_.count(Kind::kColor, css::color(n.stroke->color));
    auto count_style = [&](const TextStyle& s) {
      if (s.font_family) tokens_.count(Kind::kFont, font_value(*s.font_family));
      if (s.color) tokens_.count(Kind::kColor, css::color(*s.color));
    };
    count_style(n.text_style);
    for (const auto& run : n.runs) count_style(run.style);
    if (n.layout) {
      const auto& l = *n.layout;
      for (double v : {l.gap, l.padding_top, l.padding_right, l.padding_bottom, l.padding_left}) {
        tokens_.count(Kind::kSpace, css::px(v));
      }
    }
    for (const auto& c : e.children) count_tokens(c);
  }

  // --- styles -----------------------------------------------------------------------------

  static Color solid(const Paint& p) {
    Color c = p.color;
    c.a = std::round(c.a * p.opacity * 1000) / 1000;
    return c;
  }

  std::string stops(const Paint& p) {
    std::string out;
    for (const auto& s : p.stops) {
      Color c = s.color;
      c.a = std::round(c.a * p.opacity * 1000) / 1000;
      out += ", " + css::color(c) + " " + css::number(s.position * 100) + "%";
    }
    return out;
  }

  std::string paint_layer(const Paint& p) {
    switch (p.kind) {
      case Paint::Kind::kSolid: {
        std::string c = tokens_.ref(Kind::kColor, css::color(solid(p)));
        return "linear-gradient(" + c + ", " + c + ")";
      }
      case Paint::Kind::kLinear:
        return "linear-gradient(" + css::number(p.angle) + "deg" + stops(p) + ")";
      case Paint::Kind::kRadial:
        return "radial-gradient(ellipse at " + css::number(p.center_x * 100) + "% " +
               css::number(p.center_y * 100) + "%" + stops(p) + ")";
      case Paint::Kind::kImage: {
        std::string size = p.scale_mode == "fit"       ? "contain"
                           : p.scale_mode == "stretch" ? "100% 100%"
                           : p.scale_mode == "tile"    ? "auto"
                                                       : "cover";
        return "url(\"assets/" + p.asset_id + "\") center / " + size +
               (p.scale_mode == "tile" ? " repeat" : " no-repeat");
      }
    }
    return "none";
  }

  void add_position(const Element& e, css::Declarations& d) {
    const Node& n = *e.node;
    const Node* parent = e.parent;
    auto size = [&](bool horizontal, Sizing s, double v) {
      const char* prop = horizontal ? "width" : "height";
      if (s == Sizing::kHug && n.type != NodeType::kText) {
        d.set(prop, "fit-content");
      } else {
        d.set(prop, css::px(v));
      }
    };
    if (!parent) {  // a page: at the top-left corner, at its design size
      d.set("position", "relative");
      size(true, n.h_sizing, n.width);
      size(false, n.v_sizing, n.height);
      return;
    }
    if (parent->layout && !n.absolute) {
      bool row = parent->layout->row;
      d.set("position", "relative");
      d.set("flex", "none");
      // Width first, then height, whatever the direction, so rules read alike.
      d.set("width", "");
      d.set("height", "");
      Sizing main = row ? n.h_sizing : n.v_sizing;
      Sizing cross = row ? n.v_sizing : n.h_sizing;
      double main_size = row ? n.width : n.height;
      double cross_size = row ? n.height : n.width;
      if (main == Sizing::kFill) {
        d.set("flex", "1 1 0");
        d.set(row ? "min-width" : "min-height", "0");
      } else {
        size(row, main, main_size);
      }
      if (cross == Sizing::kFill) {
        d.set("align-self", "stretch");
      } else {
        size(!row, cross, cross_size);
      }
      d.erase_empty();
      return;
    }
    d.set("position", "absolute");
    const double pw = parent->width, ph = parent->height;
    switch (n.h_constraint) {
      case HConstraint::kLeft:
        d.set("left", css::px(n.x));
        d.set("width", css::px(n.width));
        break;
      case HConstraint::kRight:
        d.set("right", css::px(pw - n.x - n.width));
        d.set("width", css::px(n.width));
        break;
      case HConstraint::kCenter:
        d.set("left", "calc(50% + " + css::px(n.x - pw / 2) + ")");
        d.set("width", css::px(n.width));
        break;
      case HConstraint::kScale:
        d.set("left", pw > 0 ? css::number(n.x / pw * 100) + "%" : css::px(n.x));
        d.set("width", pw > 0 ? css::number(n.width / pw * 100) + "%" : css::px(n.width));
        break;
      case HConstraint::kLeftRight:
        d.set("left", css::px(n.x));
        d.set("right", css::px(pw - n.x - n.width));
        break;
    }
    switch (n.v_constraint) {
      case VConstraint::kTop:
        d.set("top", css::px(n.y));
        d.set("height", css::px(n.height));
        break;
      case VConstraint::kBottom:
        d.set("bottom", css::px(ph - n.y - n.height));
        d.set("height", css::px(n.height));
        break;
      case VConstraint::kCenter:
        d.set("top", "calc(50% + " + css::px(n.y - ph / 2) + ")");
        d.set("height", css::px(n.height));
        break;
      case VConstraint::kScale:
        d.set("top", ph > 0 ? css::number(n.y / ph * 100) + "%" : css::px(n.y));
        d.set("height", ph > 0 ? css::number(n.height / ph * 100) + "%" : css::px(n.height));
        break;
      case VConstraint::kTopBottom:
        d.set("top", css::px(n.y));
        d.set("bottom", css::px(ph - n.y - n.height));
        break;
    }
    // A hugging container keeps its anchor but takes its content's size.
    if (n.type != NodeType::kText && n.h_sizing == Sizing::kHug &&
        n.h_constraint != HConstraint::kLeftRight && n.h_constraint != HConstraint::kScale) {
      d.set("width", "fit-content");
    }
    if (n.type != NodeType::kText && n.v_sizing == Sizing::kHug &&
        n.v_constraint != VConstraint::kTopBottom && n.v_constraint != VConstraint::kScale) {
      d.set("height", "fit-content");
    }
  }

  void add_layout(const AutoLayout& l, css::Declarations& d) {
    d.set("display", "flex");
    d.set("flex-direction", l.row ? "row" : "column");
    if (l.wrap) {
      d.set("flex-wrap", "wrap");
      d.set("align-content", "flex-start");
    }
    if (l.gap > 0) d.set("gap", tokens_.ref(Kind::kSpace, css::px(l.gap)));
    bool even = l.padding_top == l.padding_right && l.padding_right == l.padding_bottom &&
                l.padding_bottom == l.padding_left;
    if (even && l.padding_top > 0) {
      d.set("padding", tokens_.ref(Kind::kSpace, css::px(l.padding_top)));
    } else if (l.padding_top > 0 || l.padding_right > 0 || l.padding_bottom > 0 ||
               l.padding_left > 0) {
      d.set("padding", tokens_.ref(Kind::kSpace, css::px(l.padding_top)) + " " +
                           tokens_.ref(Kind::kSpace, css::px(l.padding_right)) + " " +
                           tokens_.ref(Kind::kSpace, css::px(l.padding_bottom)) + " " +
                           tokens_.ref(Kind::kSpace, css::px(l.padding_left)));
    }
    static const std::map<std::string, std::string> kFlex = {{"start", "flex-start"},
                                                             {"center", "center"},
                                                             {"end", "flex-end"},
                                                             {"space-between", "space-between"},
                                                             {"baseline", "baseline"}};
    d.set("justify-content", kFlex.at(l.main_align));
    d.set("align-items", kFlex.at(l.cross_align));
  }

  void add_text_style(const TextStyle& s, css::Declarations& d) {
    if (s.font_family) d.set("font-family", tokens_.ref(Kind::kFont, font_value(*s.font_family)));
    if (s.font_size) d.set("font-size", css::px(*s.font_size));
    if (s.font_weight) d.set("font-weight", std::to_string(*s.font_weight));
    if (s.italic) d.set("font-style", *s.italic ? "italic" : "normal");
    if (s.line_height) d.set("line-height", css::px(*s.line_height));
    if (s.letter_spacing) d.set("letter-spacing", css::px(*s.letter_spacing));
    if (s.text_align) d.set("text-align", *s.text_align);
    if (s.decoration) d.set("text-decoration", *s.decoration);
    if (s.transform) d.set("text-transform", *s.transform);
    if (s.color) d.set("color", tokens_.ref(Kind::kColor, css::color(*s.color)));
  }

  void add_paint(const Element& e, css::Declarations& d) {
    const Node& n = *e.node;
    if (n.type == NodeType::kText) {
      // A text's fill is its colour; the style's colour, when given, wins.
      for (const auto& p : n.fills) {
        if (p.kind == Paint::Kind::kSolid && !n.text_style.color) {
          d.set("color", tokens_.ref(Kind::kColor, css::color(solid(p))));
          break;
        }
      }
      return;
    }
    if (n.type == NodeType::kVector) {
      std::string fill = "none";
      for (const auto& p : n.fills) {
        if (p.kind == Paint::Kind::kSolid) fill = tokens_.ref(Kind::kColor, css::color(solid(p)));
      }
      d.set("fill", fill);
      if (n.stroke) {
        d.set("stroke", tokens_.ref(Kind::kColor, css::color(n.stroke->color)));
        d.set("stroke-width", css::px(n.stroke->top));
      }
      return;
    }
    if (n.fills.size() == 1 && n.fills[0].kind == Paint::Kind::kSolid) {
      d.set("background-color", tokens_.ref(Kind::kColor, css::color(solid(n.fills[0]))));
    } else if (!n.fills.empty()) {
      // Design fills stack bottom to top; CSS background layers list the top one first.
      std::string layers;
      for (auto it = n.fills.rbegin(); it != n.fills.rend(); ++it) {
        layers += (layers.empty() ? "" : ", ") + paint_layer(*it);
      }
      d.set("background", layers);
    }
  }

  // Strokes and shadows share box-shadow: strokes drawn as shadows do not take layout space,
  // which keeps every box at its design size (a CSS border would shrink the content box).
  void add_shadows(const Element& e, css::Declarations& d) {
    const Node& n = *e.node;
    std::vector<std::string> shadows;
    if (n.stroke && n.type != NodeType::kVector && n.type != NodeType::kText) {
      const Stroke& s = *n.stroke;
      std::string c = tokens_.ref(Kind::kColor, css::color(s.color));
      bool uniform = s.top == s.right && s.right == s.bottom && s.bottom == s.left;
      if (n.type == NodeType::kLine) {
        shadows.push_back("0 0 0 " + css::px(s.top / 2) + " " + c);
      } else if (uniform && s.align != StrokeAlign::kInside) {
        double outer = s.align == StrokeAlign::kOutside ? s.top : s.top / 2;
        shadows.push_back("0 0 0 " + css::px(outer) + " " + c);
        if (s.align == StrokeAlign::kCenter) {
          shadows.push_back("inset 0 0 0 " + css::px(s.top / 2) + " " + c);
        }
      } else if (uniform) {
        if (s.top > 0) shadows.push_back("inset 0 0 0 " + css::px(s.top) + " " + c);
      } else {
        if (s.top > 0) shadows.push_back("inset 0 " + css::px(s.top) + " 0 0 " + c);
        if (s.right > 0) shadows.push_back("inset " + css::px(-s.right) + " 0 0 0 " + c);
        if (s.bottom > 0) shadows.push_back("inset 0 " + css::px(-s.bottom) + " 0 0 " + c);
        if (s.left > 0) shadows.push_back("inset " + css::px(s.left) + " 0 0 0 " + c);
      }
    }
    std::string filter;
    for (const auto& fx : n.effects) {
      std::string geometry = css::px(fx.x) + " " + css::px(fx.y) + " " + css::px(fx.radius) + " " +
                             css::px(fx.spread) + " " + css::color(fx.color);
      switch (fx.kind) {
        case Effect::Kind::kDropShadow:
          shadows.push_back(geometry);
          break;
        case Effect::Kind::kInnerShadow:
          shadows.push_back("inset " + geometry);
          break;
        case Effect::Kind::kLayerBlur:
          filter = "blur(" + css::px(fx.radius) + ")";
          break;
        case Effect::Kind::kBackgroundBlur:
          d.set("backdrop-filter", "blur(" + css::px(fx.radius) + ")");
          break;
      }
    }
    if (!shadows.empty()) {
      std::string joined;
      for (const auto& s : shadows) joined += (joined.empty() ? "" : ", ") + s;
      d.set("box-shadow", joined);
    }
    if (!filter.empty()) d.set("filter", filter);
  }

  // Elements whose styles come out identical (instances of one component, repeated list items)
  // share the first one's class instead of repeating the rule.
  void add_styles(Element& e) {
    const Node& n = *e.node;
    css::Declarations d;
    add_position(e, d);
    if (n.layout) add_layout(*n.layout, d);
    add_paint(e, d);
    add_shadows(e, d);
    if (n.type == NodeType::kEllipse) {
      d.set("border-radius", "50%");
    } else if (n.radii.any()) {
      const auto& r = n.radii;
      if (r.top_left == r.top_right && r.top_right == r.bottom_right &&
          r.bottom_right == r.bottom_left) {
        d.set("border-radius", css::px(r.top_left));
      } else {
        d.set("border-radius", css::px(r.top_left) + " " + css::px(r.top_right) + " " +
                                   css::px(r.bottom_right) + " " + css::px(r.bottom_left));
      }
    }
    if (n.type == NodeType::kText) {
      add_text_style(n.text_style, d);
      d.set("white-space", "pre-wrap");
    }
    if (n.type == NodeType::kImage) d.set("object-fit", "cover");
    if (n.clip) d.set("overflow", "hidden");
    if (n.opacity < 1) d.set("opacity", css::number(n.opacity));
    if (n.blend_mode != "normal") d.set("mix-blend-mode", n.blend_mode);
    if (n.rotation != 0) d.set("transform", "rotate(" + css::number(n.rotation) + "deg)");
    if (!n.visible && !e.hidden_attribute) d.set("display", "none");
    std::vector<css::Declarations> runs;
    for (const auto& r : n.runs) {
      add_text_style(r.style, runs.emplace_back());
    }
    auto media = breakpoint_rules(e);
    std::string key = signature(d);
    for (const auto& r : runs) key += "|run" + signature(r);
    for (const auto& [width, decls] : media) key += "|@" + css::number(width) + signature(decls);
    auto [seen, fresh] = shared_classes_.emplace(key, e.cls);
    if (!fresh) {
      e.cls = seen->second;
    } else {
      sheet_.add_rule("." + e.cls, std::move(d));
      for (size_t i = 0; i < runs.size(); ++i) {
        sheet_.add_rule("." + e.cls + "-run-" + std::to_string(i + 1), std::move(runs[i]));
      }
      for (auto& [width, decls] : media)
        sheet_.add_media_rule(width, "." + e.cls, std::move(decls));
    }
    for (auto& c : e.children) add_styles(c);
  }

  static std::string signature(const css::Declarations& d) {
    std::string out;
    for (const auto& [property, value] : d.items()) out += property + ":" + value + ";";
    return out;
  }

  std::vector<std::pair<double, css::Declarations>> breakpoint_rules(const Element& e) {
    std::vector<std::pair<double, css::Declarations>> rules;
    const Node& n = *e.node;
    for (const auto& bp : doc_.breakpoints) {
      auto it = n.overrides.find(bp.name);
      if (it == n.overrides.end()) continue;
      const Override& o = it->second;
      css::Declarations d;
      if (o.visible) d.set("display", *o.visible ? (n.layout ? "flex" : "block") : "none");
      if (o.x) d.set("left", css::px(*o.x));
      if (o.y) d.set("top", css::px(*o.y));
      if (o.width) d.set("width", css::px(*o.width));
      if (o.height) d.set("height", css::px(*o.height));
      if (o.gap) d.set("gap", css::px(*o.gap));
      if (o.row) d.set("flex-direction", *o.row ? "row" : "column");
      if (o.font_size) d.set("font-size", css::px(*o.font_size));
      if (!d.empty()) rules.emplace_back(bp.max_width, std::move(d));
    }
    return rules;
  }

  const Document& doc_;
  const GenerateOptions& options_;
  std::deque<Node> arena_;  // expanded instances; a deque keeps their addresses stable
  NameRegistry names_;
  Tokens tokens_;
  css::StyleSheet sheet_;
  std::map<std::string, std::string> shared_classes_;  // style signature -> class
  size_t elements_ = 0;
  std::unordered_set<std::string> element_ids_;  // data-node-ids given so far
};

}  // namespace

ElementTree build_element_tree(const Document& doc, const GenerateOptions& options) {
  return Generator(doc, options).run();
}

namespace {

void write(const Element& e, int depth, std::string& out) {
  const Node& n = *e.node;
  std::string indent(depth * 2, ' ');
  std::string open =
      "<" + e.tag + " class=\"" + e.cls + "\" data-node-id=\"" + escape_html(e.id) + "\"";
  if (e.tag == "a") open += " href=\"" + escape_html(n.link) + "\"";
  if (e.tag == "button") open += " type=\"button\"";
  if (e.hidden_attribute) open += " hidden";
  if (e.tag == "img") {
    out +=
        indent + open + " src=\"assets/" + n.asset_id + "\" alt=\"" + escape_html(n.name) + "\">\n";
    return;
  }
  if (e.tag == "svg") {
    out += indent + open + " viewBox=\"0 0 " + css::number(n.width) + " " + css::number(n.height) +
           "\" preserveAspectRatio=\"none\" aria-hidden=\"true\">" + "<path d=\"" + n.vector_path +
           "\"/></svg>\n";
    return;
  }
  if (n.type == NodeType::kText) {
    out += indent + open + ">";
    if (n.runs.empty()) {
      out += escape_html(n.characters);
    } else {
      for (size_t i = 0; i < n.runs.size(); ++i) {
        std::string run = std::to_string(i + 1);
        out += "<span class=\"" + e.cls + "-run-" + run + "\" data-node-id=\"" + escape_html(e.id) +
               "\" data-run=\"" + run + "\">" + escape_html(n.runs[i].text) + "</span>";
      }
    }
    out += "</" + e.tag + ">\n";
    return;
  }
  if (e.children.empty()) {
    out += indent + open + "></" + e.tag + ">\n";
    return;
  }
  out += indent + open + ">\n";
  for (const auto& c : e.children) write(c, depth + 1, out);
  out += indent + "</" + e.tag + ">\n";
}

std::string page_html(const Document& doc, const Element& root) {
  std::string title = root.node->name.empty() ? doc.name : root.node->name;
  std::string out =
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n  <meta charset=\"utf-8\">\n"
      "  <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "  <title>" +
      escape_html(title) +
      "</title>\n  <link rel=\"stylesheet\" href=\"styles.css\">\n</head>\n<body>\n";
  write(root, 1, out);
  out += "</body>\n</html>\n";
  return out;
}

}  // namespace

Files generate_html(const Document& doc, const GenerateOptions& options) {
  ElementTree tree = build_element_tree(doc, options);
  Files files;
  files["styles.css"] = tree.base_css + tree.class_css;
  if (tree.pages.size() == 1) {
    files["index.html"] = page_html(doc, tree.pages[0]);
    return files;
  }
  std::string links;
  for (size_t i = 0; i < tree.pages.size(); ++i) {
    const Element& root = tree.pages[i];
    const std::string& name = tree.page_names[i];
    files[name + ".html"] = page_html(doc, root);
    links += "      <li><a href=\"" + name + ".html\">" +
             escape_html(root.node->name.empty() ? name : root.node->name) + "</a></li>\n";
  }
  files["index.html"] =
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
      "  <meta charset=\"utf-8\">\n  <title>" +
      escape_html(doc.name) + "</title>\n</head>\n<body>\n  <nav>\n    <ul>\n" + links +
      "    </ul>\n  </nav>\n</body>\n</html>\n";
  return files;
}

}  // namespace od::design2code
