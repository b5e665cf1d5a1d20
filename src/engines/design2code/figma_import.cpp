#include "engines/design2code/figma_import.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <map>
#include <optional>
#include <set>

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

// "#rrggbb" or "#rrggbbaa" from channels in 0..1.
std::string hex_color(double r, double g, double b, double a) {
  auto byte = [](double v) { return static_cast<int>(std::lround(std::clamp(v, 0.0, 1.0) * 255)); };
  char buf[16];
  if (byte(a) >= 255) {
    std::snprintf(buf, sizeof buf, "#%02x%02x%02x", byte(r), byte(g), byte(b));
  } else {
    std::snprintf(buf, sizeof buf, "#%02x%02x%02x%02x", byte(r), byte(g), byte(b), byte(a));
  }
  return buf;
}

// A node's box in absolute coordinates: the unrotated rectangle (centre and size) and its
// rotation in CSS degrees (clockwise).
struct Box {
  double cx = 0, cy = 0, width = 0, height = 0, angle = 0;
};

class Importer {
 public:
  Importer(const Limits& limits) : limits_(limits), issues_(limits.max_issues) {}

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
    meta["format"] = input_format_name(format);
    result_.canvas["figma"] = std::move(meta);
    issues_.throw_if_any();
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

  static double round3(double v) { return std::round(v * 1000) / 1000; }

  std::optional<std::string> color(const json& v, const std::string& path, double opacity) {
    if (!v.is_object()) {
      issues_.add(path, "a Figma colour must be an object {r, g, b, a}");
      return std::nullopt;
    }
    Reader c(v, path, issues_, limits_);
    auto r = c.number("r", 0, 1), g = c.number("g", 0, 1), b = c.number("b", 0, 1);
    auto a = c.number("a", 0, 1);
    if (!r || !g || !b) {
      for (const char* k : {"r", "g", "b"}) {
        if (!c.find(k)) c.fail(k, "is required");
      }
      return std::nullopt;
    }
    return hex_color(*r, *g, *b, a.value_or(1) * opacity);
  }

  // One Figma Paint -> one canvas paint; nullopt for hidden paints and kinds CSS cannot show.
  std::optional<json> paint(const json& p, const std::string& path, const Box& box) {
    if (!p.is_object()) {
      issues_.add(path, "a Figma paint must be an object");
      return std::nullopt;
    }
    Reader r(p, path, issues_, limits_);
    if (r.boolean("visible") == false) return std::nullopt;
    auto type = r.string("type", 64);
    if (!type) {
      if (!r.find("type")) r.fail("type", "is required");
      return std::nullopt;
    }
    json out = json::object();
    if (auto opacity = r.number("opacity", 0, 1); opacity && *opacity < 1) {
      out["opacity"] = round3(*opacity);
    }
    if (*type == "SOLID") {
      const json* c = r.find("color");
      if (!c) {
        r.fail("color", "is required");
        return std::nullopt;
      }
      auto hex = color(*c, r.at("color"), 1);
      if (!hex) return std::nullopt;
      out["type"] = "solid";
      out["color"] = *hex;
      return out;
    }
    if (*type == "IMAGE") {
      auto ref = r.string("imageRef", 256);
      if (!ref || ref->empty()) return std::nullopt;  // an image not uploaded yet
      out["type"] = "image";
      out["assetId"] = *ref;
      std::string mode = r.string("scaleMode", 32).value_or("FILL");
      out["scaleMode"] = mode == "FIT"       ? "fit"
                         : mode == "TILE"    ? "tile"
                         : mode == "STRETCH" ? "stretch"
                                             : "fill";
      return out;
    }
    if (type->rfind("GRADIENT_", 0) != 0) return std::nullopt;  // EMOJI, VIDEO, ...
    const json* handles = r.array("gradientHandlePositions");
    const json* stops = r.array("gradientStops");
    if (!handles || !stops) {
      if (!r.find("gradientHandlePositions")) r.fail("gradientHandlePositions", "is required");
      if (!r.find("gradientStops")) r.fail("gradientStops", "is required");
      return std::nullopt;
    }
    std::vector<std::pair<double, double>> h;
    for (size_t i = 0; i < handles->size() && i < 3; ++i) {
      std::string hp = r.at("gradientHandlePositions") + "/" + std::to_string(i);
      if (!(*handles)[i].is_object()) {
        issues_.add(hp, "must be a vector {x, y} of numbers");
        return std::nullopt;
      }
      Reader v((*handles)[i], hp, issues_, limits_);
      auto x = v.number("x", -1e6, 1e6), y = v.number("y", -1e6, 1e6);
      if (!x || !y) {
        if (!v.find("x")) v.fail("x", "is required");
        if (!v.find("y")) v.fail("y", "is required");
        return std::nullopt;
      }
      h.emplace_back(*x, *y);
    }
    if (h.size() < 2) {
      r.fail("gradientHandlePositions", "needs at least two handles");
      return std::nullopt;
    }
    json canvas_stops = json::array();
    for (size_t i = 0; i < stops->size(); ++i) {
      std::string sp = r.at("gradientStops") + "/" + std::to_string(i);
      if (!(*stops)[i].is_object()) {
        issues_.add(sp, "a gradient stop must be an object");
        return std::nullopt;
      }
      Reader s((*stops)[i], sp, issues_, limits_);
      auto pos = s.number("position", 0, 1);
      const json* c = s.find("color");
      if (!pos || !c) {
        if (!s.find("position")) s.fail("position", "is required");
        if (!c) s.fail("color", "is required");
        return std::nullopt;
      }
      auto hex = color(*c, s.at("color"), 1);
      if (!hex) return std::nullopt;
      canvas_stops.push_back({{"position", *pos}, {"color", *hex}});
    }
    if (canvas_stops.size() < 2) {
      if (canvas_stops.size() == 1) {  // one stop paints one colour
        return json{{"type", "solid"}, {"color", canvas_stops[0]["color"]}};
      }
      return std::nullopt;
    }
    if (*type == "GRADIENT_LINEAR") {
      // CSS draws a linear gradient along a line through the box's centre whose length depends
      // on the angle; Figma's handles may start and end anywhere. Project both handles onto the
      // CSS line and move the stops along with them.
      double w = std::max(box.width, 1e-6), ht = std::max(box.height, 1e-6);
      double x0 = h[0].first * w, y0 = h[0].second * ht, x1 = h[1].first * w, y1 = h[1].second * ht;
      double dx = x1 - x0, dy = y1 - y0;
      if (std::hypot(dx, dy) < 1e-9) dy = 1;
      double angle = std::atan2(dx, -dy);  // CSS: 0deg points up, 90deg right
      double ux = std::sin(angle), uy = -std::cos(angle);
      double length = std::abs(w * ux) + std::abs(ht * uy);
      auto along = [&](double x, double y) {
        return ((x - w / 2) * ux + (y - ht / 2) * uy) / length + 0.5;
      };
      double t0 = along(x0, y0), t1 = along(x1, y1);
      for (auto& s : canvas_stops) {
        double pos = t0 + s["position"].get<double>() * (t1 - t0);
        s["position"] = round3(std::clamp(pos, 0.0, 1.0));
      }
      double degrees = round3(angle * 180 / kPi);
      out["type"] = "linear";
      out["angle"] = degrees;
    } else {
      // Radial, and the angular and diamond kinds CSS lacks: a radial gradient about the first
      // handle is the nearest thing.
      out["type"] = "radial";
      out["centerX"] = round3(std::clamp(h[0].first, 0.0, 1.0));
      out["centerY"] = round3(std::clamp(h[0].second, 0.0, 1.0));
    }
    out["stops"] = std::move(canvas_stops);
    return out;
  }

  json paints(const Reader& r, const char* key, const Box& box) {
    json out = json::array();
    const json* list = r.array(key);
    if (!list) return out;
    for (size_t i = 0; i < list->size(); ++i) {
      if (auto p = paint((*list)[i], r.at(key) + "/" + std::to_string(i), box)) {
        out.push_back(std::move(*p));
      }
    }
    return out;
  }

  std::optional<json> stroke(const Reader& r, const Box& box) {
    json list = paints(r, "strokes", box);
    if (list.empty()) return std::nullopt;
    // CSS borders take one colour: the first solid stroke, or a gradient's first stop.
    std::optional<std::string> c;
    for (const auto& p : list) {
      if (p["type"] == "solid") c = p["color"].get<std::string>();
      if (p.contains("stops")) c = p["stops"][0]["color"].get<std::string>();
      if (c) break;
    }
    if (!c) return std::nullopt;
    const double max = limits_.max_coordinate;
    json out = {{"color", *c}, {"weight", r.number("strokeWeight", 0, max).value_or(1)}};
    if (const json* sides = r.object("individualStrokeWeights")) {
      Reader s(*sides, r.at("individualStrokeWeights"), issues_, limits_);
      for (const char* k : {"top", "right", "bottom", "left"}) {
        if (auto v = s.number(k, 0, max)) out[k] = *v;
      }
    }
    std::string align = r.string("strokeAlign", 32).value_or("INSIDE");
    out["align"] = align == "OUTSIDE" ? "outside" : align == "CENTER" ? "center" : "inside";
    return out;
  }

  json effects(const Reader& r) {
    json out = json::array();
    const json* list = r.array("effects");
    if (!list) return out;
    for (size_t i = 0; i < list->size(); ++i) {
      std::string path = r.at("effects") + "/" + std::to_string(i);
      if (!(*list)[i].is_object()) {
        issues_.add(path, "a Figma effect must be an object");
        continue;
      }
      Reader e((*list)[i], path, issues_, limits_);
      if (e.boolean("visible") == false) continue;
      std::string type = e.string("type", 64).value_or("");
      static const std::map<std::string, std::string> kinds = {
          {"DROP_SHADOW", "drop-shadow"},
          {"INNER_SHADOW", "inner-shadow"},
          {"LAYER_BLUR", "layer-blur"},
          {"BACKGROUND_BLUR", "background-blur"}};
      auto kind = kinds.find(type);
      if (kind == kinds.end()) continue;  // kept in metadata with the whole effects list
      json effect = {{"type", kind->second}};
      effect["radius"] = std::clamp(e.number("radius", 0, 1e6).value_or(0), 0.0, 1000.0);
      if (const json* offset = e.object("offset")) {
        Reader o(*offset, e.at("offset"), issues_, limits_);
        effect["x"] = o.number("x", -limits_.max_coordinate, limits_.max_coordinate).value_or(0);
        effect["y"] = o.number("y", -limits_.max_coordinate, limits_.max_coordinate).value_or(0);
      }
      if (auto spread = e.number("spread", -limits_.max_coordinate, limits_.max_coordinate)) {
        effect["spread"] = *spread;
      }
      if (const json* c = e.find("color")) {
        if (auto hex = color(*c, e.at("color"), 1)) effect["color"] = *hex;
      }
      out.push_back(std::move(effect));
    }
    return out;
  }

  // Figma TypeStyle (or a partial one from styleOverrideTable) -> canvas text style.
  json text_style(const json& style, const std::string& path, const Box& box) {
    json out = json::object();
    if (!style.is_object()) {
      issues_.add(path, "a Figma text style must be an object");
      return out;
    }
    Reader s(style, path, issues_, limits_);
    if (auto family = s.string("fontFamily", 256)) {
      std::string clean;
      for (char c : *family) {
        if (!std::strchr("\"'\\;{}<>", c)) clean += c;
      }
      if (!clean.empty()) out["fontFamily"] = clean;
    }
    if (auto size = s.number("fontSize", 0, 1e6)) out["fontSize"] = std::clamp(*size, 1.0, 1000.0);
    if (auto weight = s.number("fontWeight", 0, 1e6))
      out["fontWeight"] = std::clamp(*weight, 1.0, 1000.0);
    if (auto italic = s.boolean("italic")) out["italic"] = *italic;
    if (auto lh = s.number("lineHeightPx", 0, 1e6)) out["lineHeight"] = std::min(*lh, 10000.0);
    if (auto ls = s.number("letterSpacing", -1e6, 1e6))
      out["letterSpacing"] = std::clamp(*ls, -1000.0, 1000.0);
    if (auto align = s.string("textAlignHorizontal", 32)) {
      out["textAlign"] = *align == "CENTER"      ? "center"
                         : *align == "RIGHT"     ? "right"
                         : *align == "JUSTIFIED" ? "justify"
                                                 : "left";
    }
    if (auto deco = s.string("textDecoration", 32)) {
      out["textDecoration"] = *deco == "UNDERLINE"       ? "underline"
                              : *deco == "STRIKETHROUGH" ? "line-through"
                                                         : "none";
    }
    if (auto text_case = s.string("textCase", 32)) {
      out["textTransform"] = *text_case == "UPPER"   ? "uppercase"
                             : *text_case == "LOWER" ? "lowercase"
                             : *text_case == "TITLE" ? "capitalize"
                                                     : "none";
    }
    json fills = paints(s, "fills", box);
    for (const auto& p : fills) {
      if (p["type"] == "solid") {
        out["color"] = p["color"];
        break;
      }
    }
    return out;
  }

  // characterStyleOverrides gives, per UTF-16 code unit of `characters`, a key of
  // styleOverrideTable (0 or missing: the node's own style). Consecutive characters with the same
  // key become one run.
  json runs(const Reader& r, const std::string& characters, const Box& box) {
    const json* per_char = r.array("characterStyleOverrides");
    if (!per_char || per_char->empty()) return json();
    const json* table = r.object("styleOverrideTable");
    std::map<long long, json> styles;
    json out = json::array();
    size_t unit = 0;  // UTF-16 index
    long long current = -1;
    for (size_t i = 0; i < characters.size();) {
      unsigned char lead = static_cast<unsigned char>(characters[i]);
      size_t len = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
      len = std::min(len, characters.size() - i);
      long long key = 0;
      if (unit < per_char->size()) {
        const json& k = (*per_char)[unit];
        if (!k.is_number_integer()) {
          issues_.add(r.at("characterStyleOverrides") + "/" + std::to_string(unit),
                      "must be an integer key of styleOverrideTable");
          return json();
        }
        key = k.get<long long>();
      }
      if (key != current || out.empty()) {
        if (!styles.count(key)) {
          std::string name = std::to_string(key);
          if (key == 0 || !table || !table->contains(name)) {
            styles[key] = json::object();
          } else {
            styles[key] = text_style((*table)[name], r.at("styleOverrideTable") + "/" + name, box);
          }
        }
        json run = {{"text", ""}};
        if (!styles[key].empty()) run["style"] = styles[key];
        out.push_back(std::move(run));
        current = key;
      }
      out.back()["text"].get_ref<std::string&>() += characters.substr(i, len);
      unit += len == 4 ? 2 : 1;
      i += len;
    }
    return out.size() > 1 || (out.size() == 1 && out[0].contains("style")) ? out : json();
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

    json fills = paints(r, "fills", b);
    if (type == "text") {
      std::string characters =
          clean_text(r.string("characters", limits_.max_text_bytes).value_or(""));
      json text = {{"characters", characters}};
      json style = json::object();
      if (const json* s = r.find("style")) style = text_style(*s, r.at("style"), b);
      for (const auto& p : fills) {
        if (p["type"] == "solid") {
          style["color"] = p["color"];
          break;
        }
      }
      if (!style.empty()) text["style"] = std::move(style);
      json list = runs(r, characters, b);
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
      if (auto s = stroke(r, b)) out["strokes"] = std::move(*s);
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
    json fx = effects(r);
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
