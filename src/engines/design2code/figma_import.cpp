#include "engines/design2code/figma_import.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <set>

#include "engines/design2code/figma_instances.h"
#include "engines/design2code/figma_styles.h"

namespace od::design2code {
namespace {

using nlohmann::json;

constexpr double kPi = 3.14159265358979323846;

// Figma properties the importer turns into canvas properties; every other key of a node is kept
// under the canvas node's `figma` metadata, so nothing the file says is silently lost.
const std::set<std::string> kMappedKeys = {"id",
                                           "name",
                                           "type",
                                           "children",
                                           "visible",
                                           "opacity",
                                           "blendMode",
                                           "clipsContent",
                                           "absoluteBoundingBox",
                                           "size",
                                           "relativeTransform",
                                           "rotation",
                                           "constraints",
                                           "layoutMode",
                                           "itemSpacing",
                                           "paddingLeft",
                                           "paddingRight",
                                           "paddingTop",
                                           "paddingBottom",
                                           "primaryAxisAlignItems",
                                           "counterAxisAlignItems",
                                           "layoutWrap",
                                           "layoutSizingHorizontal",
                                           "layoutSizingVertical",
                                           "layoutPositioning",
                                           "layoutGrow",
                                           "layoutAlign",
                                           "primaryAxisSizingMode",
                                           "counterAxisSizingMode",
                                           "fills",
                                           "strokes",
                                           "strokeWeight",
                                           "individualStrokeWeights",
                                           "strokeAlign",
                                           "cornerRadius",
                                           "rectangleCornerRadii",
                                           "effects",
                                           "characters",
                                           "style",
                                           "characterStyleOverrides",
                                           "styleOverrideTable",
                                           "fillGeometry",
                                           "strokeGeometry",
                                           "componentId"};

const std::map<std::string, std::string> kBlendModes = {
    {"PASS_THROUGH", "normal"},
    {"NORMAL", "normal"},
    {"DARKEN", "darken"},
    {"MULTIPLY", "multiply"},
    {"LINEAR_BURN", "color-burn"},  // no CSS equivalent; the nearest one
    {"COLOR_BURN", "color-burn"},
    {"LIGHTEN", "lighten"},
    {"SCREEN", "screen"},
    {"LINEAR_DODGE", "color-dodge"},  // likewise
    {"COLOR_DODGE", "color-dodge"},
    {"OVERLAY", "overlay"},
    {"SOFT_LIGHT", "soft-light"},
    {"HARD_LIGHT", "hard-light"},
    {"DIFFERENCE", "difference"},
    {"EXCLUSION", "exclusion"},
    {"HUE", "hue"},
    {"SATURATION", "saturation"},
    {"COLOR", "color"},
    {"LUMINOSITY", "luminosity"}};

bool figma_type_word(const json& v) {
  if (!v.is_string()) return false;
  const auto& s = v.get_ref<const std::string&>();
  if (s.empty() || s.size() > 64) return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return (c >= 'A' && c <= 'Z') || c == '_'; });
}

bool looks_like_figma_node(const json& v) {
  return v.is_object() && v.contains("type") && figma_type_word(v["type"]);
}

// Cuts a string to at most `max` bytes without splitting a UTF-8 sequence.
std::string truncate_utf8(const std::string& s, size_t max) {
  if (s.size() <= max) return s;
  size_t end = max;
  while (end > 0 && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) --end;
  return s.substr(0, end);
}

// Control characters (other than tab and newline) are not allowed in canvas strings; Figma text
// occasionally carries a carriage return or a vertical tab, which read as a line break.
std::string clean_text(std::string s) {
  for (char& c : s) {
    if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t') c = '\n';
  }
  return s;
}

// A node's box in absolute coordinates: the unrotated rectangle (centre and size) and its
// rotation in CSS degrees (clockwise).
struct Box {
  double cx = 0, cy = 0, width = 0, height = 0, angle = 0;
};

class Importer {
 public:
  Importer(const Limits& limits)
      : limits_(limits), issues_(limits.max_issues), styles_(issues_, limits) {}

  FigmaImport run(const json& input, InputFormat format) {
    result_.canvas = {{"version", 1}, {"name", ""}, {"children", json::array()}};
    json& out = result_.canvas["children"];
    json meta = json::object();
    if (format == InputFormat::kFigmaFile) {
      Reader r(input, "", issues_, limits_);
      result_.canvas["name"] = truncate_utf8(r.string("name", 1 << 20).value_or(""), 1024);
      for (auto it = input.begin(); it != input.end(); ++it) {
        if (it.key() != "document" && it.key() != "name") meta[it.key()] = it.value();
      }
      collect_components(input["document"], 0);
      issues_.throw_if_any();
      flatten(input["document"], "/document", out, 0);
    } else if (format == InputFormat::kFigmaNodes) {
      Reader r(input, "", issues_, limits_);
      result_.canvas["name"] = truncate_utf8(r.string("name", 1 << 20).value_or(""), 1024);
      const json* nodes = r.object("nodes");
      for (auto it = input.begin(); it != input.end(); ++it) {
        if (it.key() != "nodes" && it.key() != "name") meta[it.key()] = it.value();
      }
      if (!nodes) {
        issues_.throw_if_any();
        return std::move(result_);
      }
      json missing = json::array();
      for (auto it = nodes->begin(); it != nodes->end(); ++it) {
        std::string path = "/nodes/" + pointer_token(it.key());
        if (it->is_null()) {
          missing.push_back(it.key());  // Figma answers null for ids it does not know
          continue;
        }
        if (!it->is_object() || !it->contains("document")) {
          issues_.add(path, "must be an object with a `document` node (or null)");
          continue;
        }
        collect_components((*it)["document"], 0);
        if (it->contains("components")) meta["components"].update((*it)["components"]);
        if (it->contains("styles")) meta["styles"].update((*it)["styles"]);
      }
      issues_.throw_if_any();
      for (auto it = nodes->begin(); it != nodes->end(); ++it) {
        if (!it->is_object()) continue;
        flatten((*it)["document"], "/nodes/" + pointer_token(it.key()) + "/document", out, 0);
      }
      if (!missing.empty()) meta["missingNodes"] = missing;
    } else if (input.is_array()) {
      if (input.size() > limits_.max_array_items) {
        issues_.add("", "has more than " + std::to_string(limits_.max_array_items) + " nodes");
      }
      issues_.throw_if_any();
      for (const auto& n : input) collect_components(n, 0);
      for (size_t i = 0; i < input.size(); ++i) flatten(input[i], "/" + std::to_string(i), out, 0);
    } else {
      collect_components(input, 0);
      issues_.throw_if_any();
      flatten(input, "", out, 0);
    }
    issues_.throw_if_any();
    collapse_figma_instances(out);
    meta["format"] = input_format_name(format);
    result_.canvas["figma"] = std::move(meta);
    return std::move(result_);
  }

 private:
  // Component ids first, so an instance can tell whether its component is in the file (then it
  // stays an instance) or lives in a library (then it becomes a frame showing its own children).
  // Malformed nodes are skipped here and reported where they are converted, with everything else.
  void collect_components(const json& node, int depth) {
    if (!node.is_object() || depth > limits_.max_depth) return;
    auto type = node.find("type");
    auto id = node.find("id");
    if (type != node.end() && *type == "COMPONENT" && id != node.end() && id->is_string()) {
      component_ids_.insert(id->get<std::string>());
    }
    auto children = node.find("children");
    if (children != node.end() && children->is_array()) {
      for (size_t i = 0; i < children->size(); ++i) {
        collect_components((*children)[i], depth + 1);
      }
    }
  }

  // DOCUMENT and CANVAS (Figma's pages) are containers, not layers: their children become the
  // canvas document's top-level nodes, each remembering its Figma page.
  void flatten(const json& node, const std::string& path, json& out, int depth) {
    if (!node.is_object()) {
      issues_.add(path, "a Figma node must be an object");
      return;
    }
    const json* type = node.contains("type") ? &node["type"] : nullptr;
    if (type && (*type == "DOCUMENT" || *type == "CANVAS")) {
      Reader r(node, path, issues_, limits_);
      const json* children = r.array("children");
      if (!children) return;
      std::string page = *type == "CANVAS" ? r.string("name", 1 << 20).value_or("") : "";
      for (size_t i = 0; i < children->size(); ++i) {
        size_t before = out.size();
        flatten((*children)[i], r.at("children") + "/" + std::to_string(i), out, depth + 1);
        if (!page.empty() && out.size() > before) {
          out.back()["figma"]["page"] = truncate_utf8(page, 1024);
        }
      }
      return;
    }
    std::string canvas_path = "/children/" + std::to_string(out.size());
    if (auto converted = convert(node, path, nullptr, canvas_path, depth)) {
      out.push_back(std::move(*converted));
    }
  }

  // The absolute box of `node` from absoluteBoundingBox (the axis-aligned bounds of the rotated
  // node, so its centre is the node's centre), its size and its transform.
  std::optional<Box> box(const Reader& r, const Box* transform_parent) {
    const json* bounds = r.object("absoluteBoundingBox");
    if (!bounds) return std::nullopt;
    Reader b(*bounds, r.at("absoluteBoundingBox"), issues_, limits_);
    const double c = limits_.max_coordinate;
    auto x = b.number("x", -c, c), y = b.number("y", -c, c);
    auto w = b.number("width", 0, c), h = b.number("height", 0, c);
    if (!x || !y || !w || !h) {
      for (const char* k : {"x", "y", "width", "height"}) {
        if (!b.find(k)) b.fail(k, "is required");
      }
      return std::nullopt;
    }
    Box out;
    out.cx = *x + *w / 2;
    out.cy = *y + *h / 2;
    // Rotation relative to the parent, from the transform's first column (cos, sin) in the
    // y-down space both Figma and CSS use, so positive means clockwise as CSS reads it.
    double relative = 0;
    if (const json* t = r.array("relativeTransform")) {
      bool ok = t->size() == 2 && (*t)[0].is_array() && (*t)[1].is_array() && (*t)[0].size() == 3 &&
                (*t)[1].size() == 3;
      for (size_t i = 0; ok && i < 2; ++i) {
        for (size_t j = 0; ok && j < 3; ++j) ok = (*t)[i][j].is_number();
      }
      if (!ok) {
        r.fail("relativeTransform", "must be [[a, c, tx], [b, d, ty]] of numbers");
      } else {
        double a = (*t)[0][0].get<double>(), bb = (*t)[1][0].get<double>();
        if (std::hypot(a, bb) > 1e-9) relative = std::atan2(bb, a) * 180 / kPi;
      }
    } else if (auto rot = r.number("rotation", -1e4, 1e4)) {
      relative = -*rot;  // Figma's degrees are counter-clockwise
    }
    if (std::abs(relative) < 1e-6) relative = 0;
    out.angle = (transform_parent ? transform_parent->angle : 0) + relative;
    double rad = relative * kPi / 180, co = std::abs(std::cos(rad)), si = std::abs(std::sin(rad));
    out.width = *w;
    out.height = *h;
    if (const json* size = r.object("size")) {
      Reader s(*size, r.at("size"), issues_, limits_);
      out.width = s.number("x", 0, c).value_or(*w);
      out.height = s.number("y", 0, c).value_or(*h);
    } else if (relative != 0 && std::abs(co * co - si * si) > 1e-3) {
      // Without `size`, solve the bounds of the rotated rectangle for its sides.
      double d = co * co - si * si;
      out.width = std::max(0.0, (*w * co - *h * si) / d);
      out.height = std::max(0.0, (*h * co - *w * si) / d);
    }
    return out;
  }

  // Canvas x/y: the node's unrotated top-left corner in its canvas parent's unrotated frame.
  static std::pair<double, double> local_position(const Box& node, const Box* parent) {
    double cx = node.cx, cy = node.cy;
    if (parent) {
      double rad = -parent->angle * kPi / 180;
      double dx = node.cx - parent->cx, dy = node.cy - parent->cy;
      cx = dx * std::cos(rad) - dy * std::sin(rad) + parent->width / 2;
      cy = dx * std::sin(rad) + dy * std::cos(rad) + parent->height / 2;
    }
    return {cx - node.width / 2, cy - node.height / 2};
  }

  std::string canvas_type(const std::string& figma, const json& node, const Reader& r) {
    if (figma == "FRAME" || figma == "SECTION" || figma == "COMPONENT_SET") return "frame";
    if (figma == "GROUP") return "group";
    if (figma == "RECTANGLE") return "rectangle";
    if (figma == "ELLIPSE") return "ellipse";
    if (figma == "LINE") return "line";
    if (figma == "TEXT") return "text";
    if (figma == "COMPONENT") return "component";
    if (figma == "INSTANCE") {
      auto id = r.string("componentId", limits_.max_name_bytes);
      return id && component_ids_.count(*id) ? "instance" : "frame";
    }
    if (figma == "VECTOR" || figma == "STAR" || figma == "POLYGON" || figma == "REGULAR_POLYGON" ||
        figma == "BOOLEAN_OPERATION") {
      // Without geometry (files fetched without ?geometry=paths) a boolean operation can still
      // show its operands as a group; other shapes keep their box.
      bool has_geometry = false;
      for (const char* key : {"fillGeometry", "strokeGeometry"}) {
        auto g = node.find(key);
        has_geometry = has_geometry || (g != node.end() && g->is_array() && !g->empty());
      }
      if (has_geometry) return "vector";
      return figma == "BOOLEAN_OPERATION" ? "group" : "rectangle";
    }
    // Newer or exotic kinds (STICKY, SHAPE_WITH_TEXT, TABLE, WIDGET, ...): a frame keeps their
    // children and box; the Figma type stays in the metadata.
    return node.contains("children") ? "frame" : "rectangle";
  }

  std::string vector_path(const Reader& r) {
    std::string out;
    for (const char* key : {"fillGeometry", "strokeGeometry"}) {
      const json* list = r.array(key);
      if (!list || list->empty()) continue;
      for (size_t i = 0; i < list->size(); ++i) {
        std::string path = r.at(key) + "/" + std::to_string(i);
        if (!(*list)[i].is_object()) {
          issues_.add(path, "a geometry entry must be an object {path, windingRule}");
          continue;
        }
        Reader g((*list)[i], path, issues_, limits_);
        if (auto d = g.string("path", limits_.max_text_bytes)) {
          if (!out.empty()) out += ' ';
          out += *d;
        }
      }
      break;  // fill geometry when there is any, else the stroke outline
    }
    return out;
  }

  void layout(const Reader& r, json& out) {
    std::string mode = r.string("layoutMode", 32).value_or("NONE");
    if (mode != "HORIZONTAL" && mode != "VERTICAL") return;
    const double c = limits_.max_coordinate;
    json l = {{"direction", mode == "HORIZONTAL" ? "row" : "column"}};
    double gap = r.number("itemSpacing", -c, c).value_or(0);
    l["gap"] = std::max(0.0, gap);  // negative spacing (overlap) has no flexbox gap
    l["padding"] = {{"top", std::max(0.0, r.number("paddingTop", -c, c).value_or(0))},
                    {"right", std::max(0.0, r.number("paddingRight", -c, c).value_or(0))},
                    {"bottom", std::max(0.0, r.number("paddingBottom", -c, c).value_or(0))},
                    {"left", std::max(0.0, r.number("paddingLeft", -c, c).value_or(0))}};
    std::string main = r.string("primaryAxisAlignItems", 32).value_or("MIN");
    l["mainAlign"] = main == "CENTER"          ? "center"
                     : main == "MAX"           ? "end"
                     : main == "SPACE_BETWEEN" ? "space-between"
                                               : "start";
    std::string cross = r.string("counterAxisAlignItems", 32).value_or("MIN");
    l["crossAlign"] = cross == "CENTER"     ? "center"
                      : cross == "MAX"      ? "end"
                      : cross == "BASELINE" ? "baseline"
                                            : "start";
    if (r.string("layoutWrap", 32).value_or("NO_WRAP") == "WRAP") l["wrap"] = true;
    out["layout"] = std::move(l);
  }

  // layoutSizing* when present; older files say the same through layoutGrow/layoutAlign (as a
  // child) and the axis sizing modes (as an auto-layout frame).
  void sizing(const Reader& r, const std::string* parent_mode, json& out) {
    auto word = [](const std::string& s) {
      return s == "HUG" ? "hug" : s == "FILL" ? "fill" : "fixed";
    };
    std::string h = "fixed", v = "fixed";
    std::string own = r.string("layoutMode", 32).value_or("NONE");
    bool own_row = own == "HORIZONTAL", own_auto = own == "HORIZONTAL" || own == "VERTICAL";
    // Hugging nothing leaves a frame at its size in Figma; CSS would shrink it to zero.
    const json* children = r.find("children");
    bool has_children = children && children->is_array() && !children->empty();
    if (own_auto && has_children) {
      bool main_hug = r.string("primaryAxisSizingMode", 32).value_or("AUTO") == "AUTO";
      bool cross_hug = r.string("counterAxisSizingMode", 32).value_or("FIXED") == "AUTO";
      (own_row ? h : v) = main_hug ? "hug" : "fixed";
      (own_row ? v : h) = cross_hug ? "hug" : "fixed";
    }
    if (parent_mode && (*parent_mode == "HORIZONTAL" || *parent_mode == "VERTICAL")) {
      bool row = *parent_mode == "HORIZONTAL";
      if (r.number("layoutGrow", 0, 1e6).value_or(0) > 0) (row ? h : v) = "fill";
      if (r.string("layoutAlign", 32).value_or("") == "STRETCH") (row ? v : h) = "fill";
    }
    if (auto s = r.string("layoutSizingHorizontal", 32)) h = word(*s);
    if (auto s = r.string("layoutSizingVertical", 32)) v = word(*s);
    if (h != "fixed" || v != "fixed") out["sizing"] = {{"horizontal", h}, {"vertical", v}};
  }

  void constraints(const Reader& r, json& out) {
    const json* c = r.object("constraints");
    if (!c) return;
    Reader cr(*c, r.at("constraints"), issues_, limits_);
    std::string h = cr.string("horizontal", 32).value_or("LEFT");
    std::string v = cr.string("vertical", 32).value_or("TOP");
    out["constraints"] = {{"horizontal", h == "RIGHT"        ? "right"
                                         : h == "CENTER"     ? "center"
                                         : h == "SCALE"      ? "scale"
                                         : h == "LEFT_RIGHT" ? "left-right"
                                                             : "left"},
                          {"vertical", v == "BOTTOM"       ? "bottom"
                                       : v == "CENTER"     ? "center"
                                       : v == "SCALE"      ? "scale"
                                       : v == "TOP_BOTTOM" ? "top-bottom"
                                                           : "top"}};
  }

  // `parent` is the canvas parent's absolute box (null at the top); `transform_parent` the box
  // Figma measures relativeTransform against, which skips groups and boolean operations.
  std::optional<json> convert(const json& node, const std::string& path, const Box* parent,
                              const std::string& canvas_path, int depth,
                              const Box* transform_parent = nullptr,
                              const std::string* parent_mode = nullptr) {
    if (!node.is_object()) {
      issues_.add(path, "a Figma node must be an object");
      return std::nullopt;
    }
    if (depth > limits_.max_depth) {
      issues_.add(path, "nests deeper than " + std::to_string(limits_.max_depth) + " levels");
      return std::nullopt;
    }
    if (++nodes_ > limits_.max_nodes) {
      issues_.add(path, "the file has more than " + std::to_string(limits_.max_nodes) + " nodes");
      issues_.throw_if_any();
    }
    Reader r(node, path, issues_, limits_);
    auto figma_type = r.string("type", 64);
    auto id = r.string("id", limits_.max_name_bytes);
    if (!figma_type || !id) {
      if (!r.find("type")) r.fail("type", "is required");
      if (!r.find("id")) r.fail("id", "is required");
      return std::nullopt;
    }
    if (*figma_type == "SLICE") return std::nullopt;  // an export region, not a layer
    result_.pointers.emplace_back(canvas_path, path);

    json out = json::object();
    out["id"] = *id;
    out["type"] = canvas_type(*figma_type, node, r);
    const std::string& type = out["type"].get_ref<const std::string&>();
    out["name"] = truncate_utf8(r.string("name", 1 << 20).value_or(""), limits_.max_name_bytes);
    json meta = {{"type", *figma_type}};

    Box b;
    if (auto measured = box(r, transform_parent)) {
      b = *measured;
    } else {
      // No bounds (nodes of some plugin exports): sit at the parent's origin, size unknown.
      if (parent)
        b = Box{parent->cx - parent->width / 2, parent->cy - parent->height / 2, 0, 0,
                parent->angle};
      meta["missingBounds"] = true;
    }
    auto [x, y] = local_position(b, parent);
    out["x"] = round3(std::clamp(x, -limits_.max_coordinate, limits_.max_coordinate));
    out["y"] = round3(std::clamp(y, -limits_.max_coordinate, limits_.max_coordinate));
    out["width"] = round3(b.width);
    out["height"] = round3(b.height);
    double rotation = b.angle - (parent ? parent->angle : 0);
    rotation = std::remainder(rotation, 360.0);
    if (std::abs(rotation) > 1e-3) out["rotation"] = round3(rotation);

    if (auto visible = r.boolean("visible"); visible == false) out["visible"] = false;
    if (auto opacity = r.number("opacity", 0, 1); opacity && *opacity < 1) {
      out["opacity"] = round3(*opacity);
    }
    if (auto blend = r.string("blendMode", 32)) {
      auto it = kBlendModes.find(*blend);
      if (it != kBlendModes.end() && it->second != "normal") out["blendMode"] = it->second;
    }
    if (r.boolean("clipsContent") == true && type != "group") out["clipContent"] = true;
    if (r.string("layoutPositioning", 32) == "ABSOLUTE") out["absolute"] = true;
    constraints(r, out);
    sizing(r, parent_mode, out);
    if (type == "frame" || type == "component" || type == "instance") layout(r, out);

    json fills = styles_.paints(r, "fills", b.width, b.height);
    if (type == "text") {
      std::string characters =
          clean_text(r.string("characters", limits_.max_text_bytes).value_or(""));
      json text = {{"characters", characters}};
      json style = json::object();
      if (const json* s = r.find("style")) style = styles_.text_style(*s, r.at("style"));
      for (const auto& p : fills) {
        if (p["type"] == "solid") {
          style["color"] = p["color"];
          break;
        }
      }
      if (!style.empty()) text["style"] = std::move(style);
      json list = styles_.runs(r, characters);
      if (!list.is_null()) text["runs"] = std::move(list);
      out["text"] = std::move(text);
    } else if (!fills.empty()) {
      out["fills"] = std::move(fills);
    }
    if (type == "vector") {
      out["path"] = vector_path(r);
      if (!node.contains("fillGeometry") || node["fillGeometry"].empty())
        meta["pathFrom"] = "strokeGeometry";
    }
    if (type != "text") {
      if (auto s = styles_.stroke(r, b.width, b.height)) out["strokes"] = std::move(*s);
    }
    if (const json* radii = r.array("rectangleCornerRadii")) {
      if (radii->size() == 4 && std::all_of(radii->begin(), radii->end(), [](const json& v) {
            return v.is_number() && v.get<double>() >= 0;
          })) {
        out["cornerRadius"] = {{"topLeft", (*radii)[0]},
                               {"topRight", (*radii)[1]},
                               {"bottomRight", (*radii)[2]},
                               {"bottomLeft", (*radii)[3]}};
      } else {
        r.fail("rectangleCornerRadii", "must be four non-negative numbers");
      }
    } else if (auto radius = r.number("cornerRadius", 0, limits_.max_coordinate)) {
      if (*radius > 0) out["cornerRadius"] = *radius;
    }
    json fx = styles_.effects(r);
    if (!fx.empty()) out["effects"] = std::move(fx);
    if (type == "instance") out["componentId"] = *r.string("componentId", limits_.max_name_bytes);

    for (auto it = node.begin(); it != node.end(); ++it) {
      if (!kMappedKeys.count(it.key())) meta[it.key()] = it.value();
    }
    // An instance whose component lives elsewhere (a library) keeps which component it shows.
    if (*figma_type == "INSTANCE" && type != "instance" && node.contains("componentId")) {
      meta["componentId"] = node["componentId"];
    }
    // Figma lists effects CSS cannot show (e.g. NOISE, TEXTURE) in the same array; keep it whole.
    if (node.contains("effects") && node["effects"].is_array() &&
        node["effects"].size() != (out.contains("effects") ? out["effects"].size() : 0)) {
      meta["effects"] = node["effects"];
    }

    const bool container =
        type == "frame" || type == "group" || type == "component" || type == "instance";
    if (const json* children = r.array("children")) {
      if (!container) {
        // Operands of a boolean operation drawn from its geometry: listed, not drawn again.
        json ids = json::array();
        for (const auto& c : *children) {
          if (c.is_object() && c.contains("id")) ids.push_back(c["id"]);
        }
        meta["operands"] = std::move(ids);
      } else {
        json list = json::array();
        // Groups and boolean operations do not start a new transform space in Figma.
        const bool passes_transform = *figma_type == "GROUP" || *figma_type == "BOOLEAN_OPERATION";
        const Box* next_transform = passes_transform ? transform_parent : &b;
        std::string mode = r.string("layoutMode", 32).value_or("NONE");
        for (size_t i = 0; i < children->size(); ++i) {
          std::string child_canvas = canvas_path + "/children/" + std::to_string(list.size());
          auto child = convert((*children)[i], r.at("children") + "/" + std::to_string(i), &b,
                               child_canvas, depth + 1, next_transform, &mode);
          if (child) list.push_back(std::move(*child));
        }
        if (!list.empty()) out["children"] = std::move(list);
      }
    }
    out["figma"] = std::move(meta);
    return out;
  }

  const Limits& limits_;
  Issues issues_;
  FigmaStyles styles_;
  FigmaImport result_;
  std::set<std::string> component_ids_;
  size_t nodes_ = 0;
};

}  // namespace

InputFormat detect_format(const json& input) {
  if (input.is_array()) {
    if (!input.empty() && std::all_of(input.begin(), input.end(), looks_like_figma_node)) {
      return InputFormat::kFigmaNode;
    }
    return InputFormat::kUnknown;
  }
  if (!input.is_object()) return InputFormat::kUnknown;
  auto document = input.find("document");
  if (document != input.end() && document->is_object() && document->contains("type") &&
      (*document)["type"] == "DOCUMENT") {
    return InputFormat::kFigmaFile;
  }
  auto nodes = input.find("nodes");
  if (nodes != input.end() && nodes->is_object()) return InputFormat::kFigmaNodes;
  if (looks_like_figma_node(input)) return InputFormat::kFigmaNode;
  if (input.contains("version") || input.contains("children")) return InputFormat::kCanvas;
  return InputFormat::kUnknown;
}

const char* input_format_name(InputFormat format) {
  switch (format) {
    case InputFormat::kCanvas:
      return "canvas";
    case InputFormat::kFigmaFile:
      return "figma-file";
    case InputFormat::kFigmaNodes:
      return "figma-nodes";
    case InputFormat::kFigmaNode:
      return "figma-node";
    case InputFormat::kUnknown:
      break;
  }
  return "unknown";
}

FigmaImport import_figma(const json& input, InputFormat format, const Limits& limits) {
  return Importer(limits).run(input, format);
}

}  // namespace od::design2code
