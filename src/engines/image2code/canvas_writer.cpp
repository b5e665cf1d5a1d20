#include "engines/image2code/canvas_writer.h"

#include <cctype>
#include <cstdio>

#include "engines/image2code/color.h"

namespace od::image2code {
namespace {

using nlohmann::json;

// A layer name from the first words of a text, as designers name text layers.
std::string text_name(const std::string& text) {
  std::string name;
  int words = 0;
  bool in_word = false;
  for (unsigned char c : text) {
    bool word_char = std::isalnum(c) || c >= 0x80;
    if (word_char && !in_word && ++words > 4) break;
    in_word = word_char;
    if (name.size() >= 40) break;
    name += (c == '\n' || c == '\t') ? ' ' : static_cast<char>(c);
  }
  while (!name.empty() && name.back() == ' ') name.pop_back();
  return name.empty() ? "Text" : name;
}

std::string layer_name(const Element& e) {
  if (e.role == "button") return "Button";
  if (e.role == "input") return "Input";
  if (e.role == "nav") return "Nav bar";
  if (e.role == "card") return "Card";
  if (e.role == "list") return "List";
  if (e.role == "list-item") return "Item";
  switch (e.kind) {
    case ElementKind::kText:
      return text_name(e.text);
    case ElementKind::kImage:
      return e.box.width <= 64 && e.box.height <= 64 ? "Icon" : "Image";
    case ElementKind::kDivider:
      return "Divider";
    case ElementKind::kContainer:
      return "Box";
    case ElementKind::kGroup:
      return e.layout ? (e.layout->row ? "Row" : "Column") : "Group";
  }
  return "Layer";
}

json solid(const Rgb& c) { return {{"type", "solid"}, {"color", hex(c)}}; }

class Writer {
 public:
  explicit Writer(const CanvasOptions& options) : options_(options) {}

  json node(const Element& e, const cv::Point& origin) {
    json n;
    n["id"] = "n" + std::to_string(++next_id_);
    n["name"] = layer_name(e);
    n["x"] = e.box.x - origin.x;
    n["y"] = e.box.y - origin.y;
    n["width"] = e.box.width;
    n["height"] = e.box.height;
    if (!e.role.empty()) n["semantic"] = e.role;
    switch (e.kind) {
      case ElementKind::kText: {
        n["type"] = "text";
        json style = {{"fontFamily", options_.font_family}, {"fontSize", e.style.font_size},
                      {"fontWeight", e.style.weight},       {"lineHeight", e.style.line_height},
                      {"textAlign", e.style.align},         {"color", hex(e.style.color)}};
        if (!e.style.transform.empty()) style["textTransform"] = e.style.transform;
        n["text"] = {{"characters", e.text}, {"style", style}};
        return n;
      }
      case ElementKind::kImage:
        n["type"] = "image";
        n["assetId"] = e.asset;
        return n;
      case ElementKind::kDivider:
        n["type"] = "rectangle";
        if (e.fill) n["fills"] = json::array({solid(*e.fill)});
        return n;
      case ElementKind::kContainer:
      case ElementKind::kGroup:
        break;
    }
    n["type"] = "frame";
    if (e.gradient) {
      n["fills"] = json::array({{{"type", "linear"},
                                 {"angle", 180},
                                 {"stops",
                                  {{{"position", 0}, {"color", hex(e.gradient->first)}},
                                   {{"position", 1}, {"color", hex(e.gradient->second)}}}}}});
    } else if (e.fill) {
      n["fills"] = json::array({solid(*e.fill)});
    }
    if (e.border_color && e.border_width > 0) {
      n["strokes"] = {
          {"color", hex(*e.border_color)}, {"weight", e.border_width}, {"align", "inside"}};
    }
    if (e.radius > 0) n["cornerRadius"] = e.radius;
    if (e.shadow) {
      char color[10];
      std::snprintf(color, sizeof color, "#000000%02x",
                    static_cast<int>(e.shadow->alpha * 255 + 0.5));
      n["effects"] = json::array({{{"type", "drop-shadow"},
                                   {"x", e.shadow->x},
                                   {"y", e.shadow->y},
                                   {"radius", e.shadow->blur},
                                   {"spread", 0},
                                   {"color", color}}});
    }
    if (e.layout) {
      const auto& l = *e.layout;
      n["layout"] = {{"direction", l.row ? "row" : "column"},
                     {"gap", l.gap},
                     {"padding",
                      {{"top", l.padding_top},
                       {"right", l.padding_right},
                       {"bottom", l.padding_bottom},
                       {"left", l.padding_left}}},
                     {"mainAlign", "start"},
                     {"crossAlign", l.cross_align}};
    }
    json children = json::array();
    for (const auto& c : e.children) children.push_back(node(c, e.box.tl()));
    n["children"] = std::move(children);
    return n;
  }

 private:
  const CanvasOptions& options_;
  int next_id_ = 0;
};

}  // namespace

json write_canvas(const Element& page, const std::vector<PaletteEntry>& palette, int spacing_grid,
                  const CanvasOptions& options) {
  Writer writer(options);
  json root = writer.node(page, page.box.tl());
  root["name"] = "Page";
  root["clipContent"] = true;
  json tokens = json::array();
  for (size_t i = 0; i < palette.size() && i < 64; ++i) {
    tokens.push_back(
        {{"name", "color-" + std::to_string(i + 1)}, {"value", hex(palette[i].color)}});
  }
  json doc = {{"version", 1}, {"name", options.name}, {"children", json::array({root})}};
  doc["tokens"] = {{"colors", tokens}, {"spacingGrid", spacing_grid}};
  return doc;
}

}  // namespace od::image2code
