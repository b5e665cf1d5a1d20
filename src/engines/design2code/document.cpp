#include "engines/design2code/document.h"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <set>

#include "engines/design2code/instance_overrides.h"

namespace od::design2code {
namespace {

using nlohmann::json;

const std::vector<std::string> kTypes = {"frame", "group", "rectangle", "ellipse",   "line",
                                         "text",  "image", "vector",    "component", "instance"};

// Properties the parser understands on a node; everything else is kept as metadata.
const std::set<std::string> kNodeKeys = {
    "id",           "type",        "name",     "x",        "y",         "width",
    "height",       "rotation",    "visible",  "opacity",  "blendMode", "clipContent",
    "absolute",     "constraints", "layout",   "sizing",   "fills",     "strokes",
    "cornerRadius", "effects",     "text",     "path",     "assetId",   "componentId",
    "link",         "breakpoints", "children", "overrides"};

const std::vector<std::string> kBlendModes = {
    "normal",      "multiply",   "screen",     "overlay",    "darken",     "lighten",
    "color-dodge", "color-burn", "hard-light", "soft-light", "difference", "exclusion",
    "hue",         "saturation", "color",      "luminosity"};

// Node ids are short printable tokens (Figma's "1:23" and "I1:2;3:4" included), so they can go
// into HTML attributes and file names of tools without escaping surprises.
bool valid_id(const std::string& id) {
  if (id.empty() || id.size() > 128) return false;
  for (unsigned char c : id) {
    if (!(std::isalnum(c) || c == ':' || c == ';' || c == '_' || c == '-' || c == '.')) {
      return false;
    }
  }
  return true;
}

// Asset ids become URLs (assets/<id>), so they are restricted to URL-safe characters.
bool valid_asset_id(const std::string& id) { return valid_id(id) && id.find(':') == id.npos; }

// SVG path data: commands, numbers and separators only; anything else could break out of the
// attribute it is written into.
bool valid_path_data(const std::string& d) {
  for (unsigned char c : d) {
    if (!(std::isdigit(c) || std::strchr("MmLlHhVvCcSsQqTtAaZz.,eE+- \n\t", c))) return false;
  }
  return true;
}

// Links: http(s), mailto, or a same-site path/fragment; no javascript: and friends.
bool valid_link(const std::string& url) {
  if (url.rfind("https://", 0) == 0 || url.rfind("http://", 0) == 0 ||
      url.rfind("mailto:", 0) == 0) {
    return url.find_first_of("\"<> ") == url.npos;
  }
  return !url.empty() && (url[0] == '/' || url[0] == '#') && url.find_first_of("\"<> ") == url.npos;
}

// Font families end up inside a quoted CSS string.
bool valid_font_family(const std::string& f) {
  return !f.empty() && f.find_first_of("\"'\\;{}<>") == f.npos;
}

class Parser {
 public:
  Parser(const Limits& limits) : limits_(limits), issues_(limits.max_issues) {}

  Document parse(const json& root) {
    Document doc;
    if (!root.is_object()) {
      issues_.add("", "a canvas document must be a JSON object");
      issues_.throw_if_any();
    }
    Reader r(root, "", issues_, limits_);
    auto version = r.number("version", 0, 1e9);
    if (!r.find("version")) r.fail("version", "is required");
    if (version && *version != kSchemaVersion) {
      r.fail("version", "must be " + std::to_string(kSchemaVersion) + " (the only version so far)");
    }
    doc.name = r.string("name", limits_.max_name_bytes).value_or("");
    if (const auto* bps = r.array("breakpoints")) {
      for (size_t i = 0; i < bps->size(); ++i) {
        std::string path = r.at("breakpoints") + "/" + std::to_string(i);
        if (!(*bps)[i].is_object()) {
          issues_.add(path, "must be an object");
          continue;
        }
        Reader b((*bps)[i], path, issues_, limits_);
        Breakpoint bp;
        bp.name = b.string("name", 64).value_or("");
        if (bp.name.empty()) b.fail("name", "is required");
        bp.max_width = b.number("maxWidth", 1, limits_.max_coordinate).value_or(0);
        if (!b.find("maxWidth")) b.fail("maxWidth", "is required");
        for (const auto& other : doc.breakpoints) {
          if (other.name == bp.name) b.fail("name", "repeats an earlier breakpoint's name");
        }
        doc.breakpoints.push_back(bp);
      }
    }
    breakpoints_ = &doc.breakpoints;
    for (auto it = root.begin(); it != root.end(); ++it) {
      if (it.key() != "version" && it.key() != "name" && it.key() != "breakpoints" &&
          it.key() != "children") {
        doc.metadata[it.key()] = it.value();
      }
    }
    if (const auto* children = r.array("children")) {
      parse_children(*children, r.at("children"), doc.children, 1);
    } else if (!r.find("children")) {
      r.fail("children", "is required");
    }
    issues_.throw_if_any();
    for (const auto& node : doc.children) collect_components(node, doc);
    validate_references(doc, issues_);
    issues_.throw_if_any();
    validate_instance_overrides(doc, issues_);
    issues_.throw_if_any();
    return doc;
  }

 private:
  void collect_components(const Node& node, Document& doc) {
    if (node.type == NodeType::kComponent) doc.components.emplace(node.id, &node);
    for (const auto& child : node.children) collect_components(child, doc);
  }

  void parse_children(const json& array, const std::string& path, std::vector<Node>& out,
                      int depth) {
    if (depth > limits_.max_depth) {
      issues_.add(path, "nests deeper than " + std::to_string(limits_.max_depth) + " levels");
      return;
    }
    out.reserve(array.size());
    for (size_t i = 0; i < array.size(); ++i) {
      std::string child_path = path + "/" + std::to_string(i);
      if (++node_count_ > limits_.max_nodes) {
        issues_.add(child_path,
                    "the document has more than " + std::to_string(limits_.max_nodes) + " nodes");
        issues_.throw_if_any();
      }
      if (!array[i].is_object()) {
        issues_.add(child_path, "a node must be an object");
        continue;
      }
      out.push_back(parse_node(array[i], child_path, depth));
    }
  }

  std::string text(const Reader& r, const char* key) {
    auto s = r.string(key, limits_.max_text_bytes);
    if (!s) return "";
    total_text_ += s->size();
    if (total_text_ > limits_.max_total_text_bytes) {
      r.fail(key, "the document's text exceeds " + std::to_string(limits_.max_total_text_bytes) +
                      " bytes in total");
      issues_.throw_if_any();
    }
    return *s;
  }

  Node parse_node(const json& obj, const std::string& path, int depth) {
    Reader r(obj, path, issues_, limits_);
    Node n;
    n.pointer = path;
    n.id = r.string("id", limits_.max_name_bytes).value_or("");
    if (!r.find("id")) {
      r.fail("id", "is required");
    } else if (!n.id.empty() && !valid_id(n.id)) {
      r.fail("id", "must be 1-128 characters of letters, digits and : ; _ - .");
    }
    auto type = r.one_of("type", kTypes);
    if (!r.find("type")) r.fail("type", "is required");
    if (type)
      n.type =
          static_cast<NodeType>(std::find(kTypes.begin(), kTypes.end(), *type) - kTypes.begin());
    n.name = r.string("name", limits_.max_name_bytes).value_or("");
    const double c = limits_.max_coordinate;
    n.x = r.number("x", -c, c).value_or(0);
    n.y = r.number("y", -c, c).value_or(0);
    n.width = r.number("width", 0, c).value_or(0);
    n.height = r.number("height", 0, c).value_or(0);
    n.rotation = r.number("rotation", -360, 360).value_or(0);
    n.visible = r.boolean("visible").value_or(true);
    n.opacity = r.number("opacity", 0, 1).value_or(1);
    n.blend_mode = r.one_of("blendMode", kBlendModes).value_or("normal");
    n.clip = r.boolean("clipContent").value_or(false);
    n.absolute = r.boolean("absolute").value_or(false);
    parse_constraints(r, n);
    parse_layout(r, n);
    parse_fills(r, n);
    parse_strokes(r, n);
    parse_radius(r, n);
    parse_effects(r, n);
    parse_kind_specific(r, n);
    parse_overrides(r, n);
    for (auto it = obj.begin(); it != obj.end(); ++it) {
      if (!kNodeKeys.count(it.key())) n.metadata[it.key()] = it.value();
    }
    if (const auto* children = r.array("children")) {
      if (n.type != NodeType::kFrame && n.type != NodeType::kGroup &&
          n.type != NodeType::kComponent && n.type != NodeType::kInstance && !children->empty()) {
        r.fail("children", std::string("a ") + node_type_name(n.type) + " cannot have children");
      } else {
        parse_children(*children, r.at("children"), n.children, depth + 1);
      }
    }
    return n;
  }

  void parse_constraints(const Reader& r, Node& n) {
    const auto* obj = r.object("constraints");
    if (!obj) return;
    Reader c(*obj, r.at("constraints"), issues_, limits_);
    if (auto h = c.one_of("horizontal", {"left", "right", "center", "scale", "left-right"})) {
      n.h_constraint = *h == "left"     ? HConstraint::kLeft
                       : *h == "right"  ? HConstraint::kRight
                       : *h == "center" ? HConstraint::kCenter
                       : *h == "scale"  ? HConstraint::kScale
                                        : HConstraint::kLeftRight;
    }
    if (auto v = c.one_of("vertical", {"top", "bottom", "center", "scale", "top-bottom"})) {
      n.v_constraint = *v == "top"      ? VConstraint::kTop
                       : *v == "bottom" ? VConstraint::kBottom
                       : *v == "center" ? VConstraint::kCenter
                       : *v == "scale"  ? VConstraint::kScale
                                        : VConstraint::kTopBottom;
    }
  }

  static Sizing sizing(const std::string& s) {
    return s == "hug" ? Sizing::kHug : s == "fill" ? Sizing::kFill : Sizing::kFixed;
  }

  void parse_layout(const Reader& r, Node& n) {
    if (const auto* obj = r.object("sizing")) {
      Reader s(*obj, r.at("sizing"), issues_, limits_);
      n.h_sizing = sizing(s.one_of("horizontal", {"fixed", "hug", "fill"}).value_or("fixed"));
      n.v_sizing = sizing(s.one_of("vertical", {"fixed", "hug", "fill"}).value_or("fixed"));
    }
    const auto* obj = r.object("layout");
    if (!obj) return;
    Reader l(*obj, r.at("layout"), issues_, limits_);
    const double c = limits_.max_coordinate;
    AutoLayout a;
    a.row = l.one_of("direction", {"row", "column"}).value_or("row") == "row";
    a.gap = l.number("gap", 0, c).value_or(0);
    if (const auto* pad = l.find("padding")) {
      if (pad->is_number()) {
        a.padding_top = a.padding_right = a.padding_bottom = a.padding_left =
            l.number("padding", 0, c).value_or(0);
      } else if (pad->is_object()) {
        Reader p(*pad, l.at("padding"), issues_, limits_);
        a.padding_top = p.number("top", 0, c).value_or(0);
        a.padding_right = p.number("right", 0, c).value_or(0);
        a.padding_bottom = p.number("bottom", 0, c).value_or(0);
        a.padding_left = p.number("left", 0, c).value_or(0);
      } else {
        l.fail("padding", "must be a number or {top, right, bottom, left}");
      }
    }
    a.main_align =
        l.one_of("mainAlign", {"start", "center", "end", "space-between"}).value_or("start");
    a.cross_align =
        l.one_of("crossAlign", {"start", "center", "end", "baseline"}).value_or("start");
    a.wrap = l.boolean("wrap").value_or(false);
    if (n.type != NodeType::kFrame && n.type != NodeType::kComponent &&
        n.type != NodeType::kInstance) {
      r.fail("layout", "auto-layout applies to frames, components and instances only");
    }
    n.layout = a;
  }

  std::optional<Paint> parse_paint(const json& v, const std::string& path) {
    if (!v.is_object()) {
      issues_.add(path, "a paint must be an object");
      return std::nullopt;
    }
    Reader p(v, path, issues_, limits_);
    auto type = p.one_of("type", {"solid", "linear", "radial", "image"});
    if (!p.find("type")) p.fail("type", "is required");
    if (!type) return std::nullopt;
    Paint paint;
    paint.opacity = p.number("opacity", 0, 1).value_or(1);
    if (*type == "solid") {
      paint.kind = Paint::Kind::kSolid;
      auto c = p.color("color");
      if (!p.find("color")) p.fail("color", "is required");
      if (!c) return std::nullopt;
      paint.color = *c;
    } else if (*type == "image") {
      paint.kind = Paint::Kind::kImage;
      paint.asset_id = p.string("assetId", limits_.max_name_bytes).value_or("");
      if (!valid_asset_id(paint.asset_id)) {
        p.fail("assetId", "must be an asset id (letters, digits, _ - .)");
        return std::nullopt;
      }
      paint.scale_mode = p.one_of("scaleMode", {"fill", "fit", "tile", "stretch"}).value_or("fill");
    } else {
      paint.kind = *type == "linear" ? Paint::Kind::kLinear : Paint::Kind::kRadial;
      paint.angle = p.number("angle", -360, 360).value_or(180);
      paint.center_x = p.number("centerX", 0, 1).value_or(0.5);
      paint.center_y = p.number("centerY", 0, 1).value_or(0.5);
      const auto* stops = p.array("stops");
      if (!stops || stops->size() < 2) {
        if (!p.find("stops") || (stops && stops->size() < 2)) {
          p.fail("stops", "a gradient needs at least two stops");
        }
        return std::nullopt;
      }
      for (size_t i = 0; i < stops->size(); ++i) {
        std::string sp = p.at("stops") + "/" + std::to_string(i);
        if (!(*stops)[i].is_object()) {
          issues_.add(sp, "a stop must be an object");
          return std::nullopt;
        }
        Reader s((*stops)[i], sp, issues_, limits_);
        auto pos = s.number("position", 0, 1);
        auto col = s.color("color");
        if (!pos || !col) {
          if (!s.find("position")) s.fail("position", "is required");
          if (!s.find("color")) s.fail("color", "is required");
          return std::nullopt;
        }
        paint.stops.push_back({*pos, *col});
      }
    }
    return paint;
  }

  void parse_fills(const Reader& r, Node& n) {
    const auto* fills = r.array("fills");
    if (!fills) return;
    for (size_t i = 0; i < fills->size(); ++i) {
      if (auto p = parse_paint((*fills)[i], r.at("fills") + "/" + std::to_string(i))) {
        n.fills.push_back(*p);
      }
    }
  }

  void parse_strokes(const Reader& r, Node& n) {
    const auto* obj = r.object("strokes");
    if (!obj) return;
    Reader s(*obj, r.at("strokes"), issues_, limits_);
    Stroke stroke;
    auto c = s.color("color");
    if (!s.find("color")) s.fail("color", "is required");
    if (!c) return;
    stroke.color = *c;
    const double max = limits_.max_coordinate;
    double w = s.number("weight", 0, max).value_or(1);
    stroke.top = s.number("top", 0, max).value_or(w);
    stroke.right = s.number("right", 0, max).value_or(w);
    stroke.bottom = s.number("bottom", 0, max).value_or(w);
    stroke.left = s.number("left", 0, max).value_or(w);
    auto align = s.one_of("align", {"inside", "center", "outside"}).value_or("inside");
    stroke.align = align == "inside"   ? StrokeAlign::kInside
                   : align == "center" ? StrokeAlign::kCenter
                                       : StrokeAlign::kOutside;
    n.stroke = stroke;
  }

  void parse_radius(const Reader& r, Node& n) {
    const auto* v = r.find("cornerRadius");
    if (!v) return;
    const double max = limits_.max_coordinate;
    if (v->is_number()) {
      double all = r.number("cornerRadius", 0, max).value_or(0);
      n.radii = {all, all, all, all};
    } else if (v->is_object()) {
      Reader c(*v, r.at("cornerRadius"), issues_, limits_);
      n.radii.top_left = c.number("topLeft", 0, max).value_or(0);
      n.radii.top_right = c.number("topRight", 0, max).value_or(0);
      n.radii.bottom_right = c.number("bottomRight", 0, max).value_or(0);
      n.radii.bottom_left = c.number("bottomLeft", 0, max).value_or(0);
    } else {
      r.fail("cornerRadius", "must be a number or {topLeft, topRight, bottomRight, bottomLeft}");
    }
  }

  void parse_effects(const Reader& r, Node& n) {
    const auto* effects = r.array("effects");
    if (!effects) return;
    const double max = limits_.max_coordinate;
    for (size_t i = 0; i < effects->size(); ++i) {
      std::string path = r.at("effects") + "/" + std::to_string(i);
      if (!(*effects)[i].is_object()) {
        issues_.add(path, "an effect must be an object");
        continue;
      }
      Reader e((*effects)[i], path, issues_, limits_);
      auto type =
          e.one_of("type", {"drop-shadow", "inner-shadow", "layer-blur", "background-blur"});
      if (!e.find("type")) e.fail("type", "is required");
      if (!type) continue;
      Effect effect;
      effect.kind = *type == "drop-shadow"    ? Effect::Kind::kDropShadow
                    : *type == "inner-shadow" ? Effect::Kind::kInnerShadow
                    : *type == "layer-blur"   ? Effect::Kind::kLayerBlur
                                              : Effect::Kind::kBackgroundBlur;
      effect.x = e.number("x", -max, max).value_or(0);
      effect.y = e.number("y", -max, max).value_or(0);
      effect.radius = e.number("radius", 0, 1000).value_or(0);
      effect.spread = e.number("spread", -max, max).value_or(0);
      effect.color = e.color("color").value_or(Color{0, 0, 0, 0.25});
      n.effects.push_back(effect);
    }
  }

  TextStyle parse_style(const json& v, const std::string& path) {
    TextStyle s;
    if (!v.is_object()) {
      issues_.add(path, "a text style must be an object");
      return s;
    }
    Reader t(v, path, issues_, limits_);
    if (auto f = t.string("fontFamily", 256)) {
      if (valid_font_family(*f))
        s.font_family = f;
      else
        t.fail("fontFamily", "must be a font name without quotes, backslashes or ; { } < >");
    }
    s.font_size = t.number("fontSize", 1, 1000);
    if (auto w = t.number("fontWeight", 1, 1000)) s.font_weight = static_cast<int>(*w);
    s.italic = t.boolean("italic");
    s.line_height = t.number("lineHeight", 0, 10000);
    s.letter_spacing = t.number("letterSpacing", -1000, 1000);
    s.text_align = t.one_of("textAlign", {"left", "center", "right", "justify"});
    s.decoration = t.one_of("textDecoration", {"none", "underline", "line-through"});
    s.transform = t.one_of("textTransform", {"none", "uppercase", "lowercase", "capitalize"});
    s.color = t.color("color");
    return s;
  }

  void parse_kind_specific(const Reader& r, Node& n) {
    if (n.type == NodeType::kText) {
      const auto* obj = r.object("text");
      if (!obj) {
        if (!r.find("text")) r.fail("text", "is required on text nodes");
        return;
      }
      Reader t(*obj, r.at("text"), issues_, limits_);
      n.characters = text(t, "characters");
      if (const auto* style = t.find("style")) n.text_style = parse_style(*style, t.at("style"));
      if (const auto* runs = t.array("runs")) {
        std::string joined;
        for (size_t i = 0; i < runs->size(); ++i) {
          std::string path = t.at("runs") + "/" + std::to_string(i);
          if (!(*runs)[i].is_object()) {
            issues_.add(path, "a run must be an object");
            continue;
          }
          Reader run((*runs)[i], path, issues_, limits_);
          TextRun tr;
          tr.text = text(run, "text");
          if (const auto* style = run.find("style"))
            tr.style = parse_style(*style, run.at("style"));
          joined += tr.text;
          n.runs.push_back(std::move(tr));
        }
        if (t.find("characters") && joined != n.characters) {
          t.fail("runs", "the runs' text must add up to `characters`");
        }
        n.characters = joined;
      }
    } else if (n.type == NodeType::kVector) {
      n.vector_path = text(r, "path");
      if (!valid_path_data(n.vector_path)) r.fail("path", "must be SVG path data");
    } else if (n.type == NodeType::kImage) {
      n.asset_id = r.string("assetId", limits_.max_name_bytes).value_or("");
      if (!valid_asset_id(n.asset_id))
        r.fail("assetId", "must be an asset id (letters, digits, _ - .)");
    } else if (n.type == NodeType::kInstance) {
      n.component_id = r.string("componentId", limits_.max_name_bytes).value_or("");
      if (n.component_id.empty()) r.fail("componentId", "is required on instances");
      parse_instance_overrides(r, n);
    } else if (r.find("overrides")) {
      r.fail("overrides", "applies to instances only");
    }
    if (auto link = r.string("link", 2048)) {
      if (valid_link(*link))
        n.link = *link;
      else
        r.fail("link", "must be an http(s) or mailto URL, a path or a #fragment");
    }
  }

  void parse_instance_overrides(const Reader& r, Node& n) {
    static const std::set<std::string> kOverridable = {
        "visible", "opacity", "characters", "fills", "x", "y", "width", "height"};
    const auto* obj = r.object("overrides");
    if (!obj) return;
    if (obj->size() > limits_.max_array_items) {
      r.fail("overrides", "has more than " + std::to_string(limits_.max_array_items) + " entries");
      return;
    }
    for (auto it = obj->begin(); it != obj->end(); ++it) {
      std::string path = r.at("overrides") + "/" + pointer_token(it.key());
      if (!it->is_object()) {
        issues_.add(path, "must be an object");
        continue;
      }
      Reader o(*it, path, issues_, limits_);
      InstanceOverride ov;
      ov.visible = o.boolean("visible");
      ov.opacity = o.number("opacity", 0, 1);
      const double c = limits_.max_coordinate;
      ov.x = o.number("x", -c, c);
      ov.y = o.number("y", -c, c);
      ov.width = o.number("width", 0, c);
      ov.height = o.number("height", 0, c);
      if (o.find("characters")) ov.characters = text(o, "characters");
      if (const auto* fills = o.array("fills")) {
        ov.fills.emplace();
        for (size_t i = 0; i < fills->size(); ++i) {
          if (auto p = parse_paint((*fills)[i], o.at("fills") + "/" + std::to_string(i))) {
            ov.fills->push_back(*p);
          }
        }
      }
      for (auto field = it->begin(); field != it->end(); ++field) {
        const std::string& k = field.key();
        if (!kOverridable.count(k)) {
          issues_.add(path + "/" + pointer_token(k),
                      "is not an overridable property (visible, opacity, characters, fills, x, y, "
                      "width, height)");
        }
      }
      n.instance_overrides[it.key()] = std::move(ov);
    }
  }

  void parse_overrides(const Reader& r, Node& n) {
    const auto* obj = r.object("breakpoints");
    if (!obj) return;
    const double c = limits_.max_coordinate;
    for (auto it = obj->begin(); it != obj->end(); ++it) {
      std::string path = r.at("breakpoints") + "/" + pointer_token(it.key());
      bool known = false;
      for (const auto& bp : *breakpoints_) known = known || bp.name == it.key();
      if (!known) {
        issues_.add(path, "names no breakpoint of the document");
        continue;
      }
      if (!it->is_object()) {
        issues_.add(path, "must be an object");
        continue;
      }
      Reader o(*it, path, issues_, limits_);
      Override ov;
      ov.visible = o.boolean("visible");
      ov.x = o.number("x", -c, c);
      ov.y = o.number("y", -c, c);
      ov.width = o.number("width", 0, c);
      ov.height = o.number("height", 0, c);
      ov.gap = o.number("gap", 0, c);
      ov.font_size = o.number("fontSize", 1, 1000);
      if (auto d = o.one_of("direction", {"row", "column"})) ov.row = *d == "row";
      n.overrides[it.key()] = ov;
    }
  }

  const Limits& limits_;
  Issues issues_;
  const std::vector<Breakpoint>* breakpoints_ = nullptr;
  size_t node_count_ = 0;
  size_t total_text_ = 0;
};

}  // namespace

const char* node_type_name(NodeType type) { return kTypes[static_cast<size_t>(type)].c_str(); }

Document parse_document(const json& json_doc, const Limits& limits) {
  return Parser(limits).parse(json_doc);
}

Document parse_document_text(std::string_view text, const Limits& limits) {
  // Each node level costs two JSON levels (node object, children array) plus a few for the
  // values inside a node.
  const int max_json_depth = 2 * limits.max_depth + 8;
  bool too_deep = false;
  auto guard = [&](int depth, json::parse_event_t event, json&) {
    if ((event == json::parse_event_t::object_start || event == json::parse_event_t::array_start) &&
        depth + 1 > max_json_depth) {
      too_deep = true;
    }
    return !too_deep;
  };
  json value;
  try {
    value = json::parse(text.begin(), text.end(), guard);
  } catch (const json::parse_error& e) {
    if (too_deep)
      throw InvalidDocument(std::vector<Issue>{{"", "nesting is deeper than the document limit"}});
    throw InvalidDocument(std::vector<Issue>{{"", std::string("not valid JSON: ") + e.what()}});
  }
  if (too_deep)
    throw InvalidDocument(std::vector<Issue>{{"", "nesting is deeper than the document limit"}});
  return parse_document(value, limits);
}

}  // namespace od::design2code
