#include "engines/design2code/figma_styles.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <map>

namespace od::design2code {
namespace {

using nlohmann::json;

constexpr double kPi = 3.14159265358979323846;

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

}  // namespace

double round3(double v) { return std::round(v * 1000) / 1000; }

FigmaStyles::FigmaStyles(Issues& issues, const Limits& limits) : issues_(issues), limits_(limits) {}

std::optional<std::string> FigmaStyles::color(const json& v, const std::string& path,
                                              double opacity) {
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
std::optional<json> FigmaStyles::paint(const json& p, const std::string& path, double width,
                                       double height) {
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
    double w = std::max(width, 1e-6), ht = std::max(height, 1e-6);
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

json FigmaStyles::paints(const Reader& r, const char* key, double width, double height) {
  json out = json::array();
  const json* list = r.array(key);
  if (!list) return out;
  for (size_t i = 0; i < list->size(); ++i) {
    if (auto p = paint((*list)[i], r.at(key) + "/" + std::to_string(i), width, height)) {
      out.push_back(std::move(*p));
    }
  }
  return out;
}

std::optional<json> FigmaStyles::stroke(const Reader& r, double width, double height) {
  json list = paints(r, "strokes", width, height);
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

json FigmaStyles::effects(const Reader& r) {
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
json FigmaStyles::text_style(const json& style, const std::string& path) {
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
  json fills = paints(s, "fills", 1, 1);  // only a solid colour is used
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
json FigmaStyles::runs(const Reader& r, const std::string& characters) {
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
          styles[key] = text_style((*table)[name], r.at("styleOverrideTable") + "/" + name);
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

}  // namespace od::design2code
