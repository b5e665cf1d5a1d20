// The Figma importer: formats told apart by content, node types and properties mapped onto the
// canvas document, geometry made relative, unknown properties kept, and problems reported with
// paths into the Figma JSON.
#include <gtest/gtest.h>

#include "engines/design2code/design_input.h"
#include "engines/design2code/figma_import.h"
#include "figma_test_file.h"

namespace od::design2code {
namespace {

using nlohmann::json;

json box(double x, double y, double w, double h) {
  return {{"x", x}, {"y", y}, {"width", w}, {"height", h}};
}

json color(double r, double g, double b, double a = 1) {
  return {{"r", r}, {"g", g}, {"b", b}, {"a", a}};
}

json solid(double r, double g, double b, double a = 1) {
  return {{"type", "SOLID"}, {"color", color(r, g, b, a)}};
}

json node(const std::string& id, const std::string& type, json bounds,
          json extra = json::object()) {
  json n = {{"id", id}, {"type", type}, {"name", id}, {"absoluteBoundingBox", std::move(bounds)}};
  n.update(extra);
  return n;
}

json file(json frames) { return figma_file(std::move(frames)); }

json canvas_of(const json& input) {
  return import_figma(input, detect_format(input), Limits{}).canvas;
}

std::vector<std::string> problems(const json& input) {
  try {
    load_design(input);
  } catch (const InvalidDocument& e) {
    std::vector<std::string> out;
    for (const auto& i : e.issues()) out.push_back(i.path + ": " + i.message);
    return out;
  }
  return {};
}

TEST(FigmaImport, DetectsEachFormatFromContent) {
  json frame = node("1:2", "FRAME", box(0, 0, 10, 10));
  EXPECT_EQ(detect_format(file(json::array({frame}))), InputFormat::kFigmaFile);
  EXPECT_EQ(detect_format(json{{"nodes", {{"1:2", {{"document", frame}}}}}}),
            InputFormat::kFigmaNodes);
  EXPECT_EQ(detect_format(frame), InputFormat::kFigmaNode);
  EXPECT_EQ(detect_format(json::array({frame})), InputFormat::kFigmaNode);
  EXPECT_EQ(detect_format(json{{"version", 1}, {"children", json::array()}}), InputFormat::kCanvas);
  EXPECT_EQ(detect_format(json{{"hello", "world"}}), InputFormat::kUnknown);
  EXPECT_EQ(detect_format(json::array({1, 2})), InputFormat::kUnknown);
  auto unknown = problems(json{{"hello", "world"}});
  ASSERT_EQ(unknown.size(), 1u);
  EXPECT_NE(unknown[0].find("neither a canvas document"), std::string::npos);
}

TEST(FigmaImport, FileFramesBecomePagesWithRelativeGeometryAndSourceIds) {
  json page = node("1:2", "FRAME", box(100, 200, 400, 300),
                   {{"fills", json::array({solid(1, 1, 1)})},
                    {"children", json::array({node("1:3", "RECTANGLE", box(110, 230, 50, 20)),
                                              node("1:4", "ELLIPSE", box(300, 400, 10, 10))})}});
  Document doc = load_design(file(json::array({page})));
  ASSERT_EQ(doc.children.size(), 1u);
  const Node& p = doc.children[0];
  EXPECT_EQ(p.id, "1:2");
  EXPECT_EQ(p.type, NodeType::kFrame);
  EXPECT_EQ(p.metadata["figma"]["page"], "Page 1");
  ASSERT_EQ(p.children.size(), 2u);
  EXPECT_EQ(p.children[0].id, "1:3");
  EXPECT_EQ(p.children[0].type, NodeType::kRectangle);
  EXPECT_DOUBLE_EQ(p.children[0].x, 10);
  EXPECT_DOUBLE_EQ(p.children[0].y, 30);
  EXPECT_DOUBLE_EQ(p.children[0].width, 50);
  EXPECT_EQ(p.children[1].type, NodeType::kEllipse);
  EXPECT_DOUBLE_EQ(p.children[1].x, 200);
  EXPECT_EQ(doc.metadata["figma"]["lastModified"], "2024-01-01T00:00:00Z");
}

TEST(FigmaImport, NodesResponseAndBareNodeBecomeTopLevelNodes) {
  json a = node("1:2", "FRAME", box(0, 0, 10, 10));
  json b = node("5:6", "FRAME", box(50, 50, 20, 20));
  json nodes = {{"name", "F"},
                {"nodes",
                 {{"1:2", {{"document", a}, {"components", json::object()}}},
                  {"5:6", {{"document", b}}},
                  {"9:9", nullptr}}}};
  Document doc = load_design(nodes);
  ASSERT_EQ(doc.children.size(), 2u);
  EXPECT_EQ(doc.children[1].id, "5:6");
  EXPECT_EQ(doc.metadata["figma"]["missingNodes"], json::array({"9:9"}));
  Document single = load_design(b);
  ASSERT_EQ(single.children.size(), 1u);
  EXPECT_EQ(single.children[0].id, "5:6");
}

TEST(FigmaImport, MapsAutoLayoutSizingAndConstraints) {
  json child = node("1:3", "FRAME", box(10, 10, 50, 20),
                    {{"layoutSizingHorizontal", "FILL"},
                     {"layoutSizingVertical", "HUG"},
                     {"layoutPositioning", "ABSOLUTE"},
                     {"constraints", {{"horizontal", "LEFT_RIGHT"}, {"vertical", "BOTTOM"}}}});
  json page = node("1:2", "FRAME", box(0, 0, 200, 100),
                   {{"layoutMode", "VERTICAL"},
                    {"itemSpacing", 12},
                    {"paddingLeft", 4},
                    {"paddingTop", 5},
                    {"paddingRight", 6},
                    {"paddingBottom", 7},
                    {"primaryAxisAlignItems", "SPACE_BETWEEN"},
                    {"counterAxisAlignItems", "CENTER"},
                    {"layoutWrap", "WRAP"},
                    {"primaryAxisSizingMode", "FIXED"},
                    {"children", json::array({child})}});
  Document doc = load_design(file(json::array({page})));
  const Node& p = doc.children[0];
  ASSERT_TRUE(p.layout);
  EXPECT_FALSE(p.layout->row);
  EXPECT_DOUBLE_EQ(p.layout->gap, 12);
  EXPECT_DOUBLE_EQ(p.layout->padding_left, 4);
  EXPECT_DOUBLE_EQ(p.layout->padding_bottom, 7);
  EXPECT_EQ(p.layout->main_align, "space-between");
  EXPECT_EQ(p.layout->cross_align, "center");
  EXPECT_TRUE(p.layout->wrap);
  const Node& c = p.children[0];
  EXPECT_EQ(c.h_sizing, Sizing::kFill);
  EXPECT_EQ(c.v_sizing, Sizing::kHug);
  EXPECT_TRUE(c.absolute);
  EXPECT_EQ(c.h_constraint, HConstraint::kLeftRight);
  EXPECT_EQ(c.v_constraint, VConstraint::kBottom);
}

TEST(FigmaImport, LegacyGrowAndStretchMeanFill) {
  json child =
      node("1:3", "RECTANGLE", box(0, 0, 50, 20), {{"layoutGrow", 1}, {"layoutAlign", "STRETCH"}});
  json page = node("1:2", "FRAME", box(0, 0, 200, 100),
                   {{"layoutMode", "HORIZONTAL"}, {"children", json::array({child})}});
  Document loaded = load_design(file(json::array({page})));
  const Node& c = loaded.children[0].children[0];
  EXPECT_EQ(c.h_sizing, Sizing::kFill);
  EXPECT_EQ(c.v_sizing, Sizing::kFill);
}

TEST(FigmaImport, MapsPaintsStrokesRadiiEffectsAndBlending) {
  json gradient = {
      {"type", "GRADIENT_LINEAR"},
      {"gradientHandlePositions",
       json::array({{{"x", 0}, {"y", 0.5}}, {{"x", 1}, {"y", 0.5}}, {{"x", 0}, {"y", 0}}})},
      {"gradientStops", json::array({{{"position", 0}, {"color", color(1, 0, 0)}},
                                     {{"position", 1}, {"color", color(0, 0, 1)}}})}};
  json radial = gradient;
  radial["type"] = "GRADIENT_RADIAL";
  radial["gradientHandlePositions"][0] = {{"x", 0.25}, {"y", 0.75}};
  json image = {{"type", "IMAGE"}, {"imageRef", "abc123"}, {"scaleMode", "FIT"}};
  json hidden = solid(0, 1, 0);
  hidden["visible"] = false;
  json rect =
      node("1:3", "RECTANGLE", box(0, 0, 100, 50),
           {{"fills", json::array({solid(1, 0, 0, 0.5), gradient, radial, image, hidden})},
            {"strokes", json::array({solid(0, 0, 0)})},
            {"strokeWeight", 2},
            {"individualStrokeWeights", {{"top", 1}, {"right", 2}, {"bottom", 3}, {"left", 4}}},
            {"strokeAlign", "OUTSIDE"},
            {"rectangleCornerRadii", json::array({1, 2, 3, 4})},
            {"effects",
             json::array({{{"type", "DROP_SHADOW"},
                           {"color", color(0, 0, 0, 0.25)},
                           {"offset", {{"x", 1}, {"y", 2}}},
                           {"radius", 4},
                           {"spread", 1}},
                          {{"type", "INNER_SHADOW"}, {"color", color(0, 0, 0)}, {"radius", 2}},
                          {{"type", "LAYER_BLUR"}, {"radius", 3}},
                          {{"type", "BACKGROUND_BLUR"}, {"radius", 5}},
                          {{"type", "DROP_SHADOW"}, {"visible", false}, {"radius", 9}}})},
            {"blendMode", "MULTIPLY"},
            {"opacity", 0.5},
            {"visible", false}});
  json page = node("1:2", "FRAME", box(0, 0, 200, 100),
                   {{"clipsContent", true}, {"children", json::array({rect})}});
  Document doc = load_design(file(json::array({page})));
  EXPECT_TRUE(doc.children[0].clip);
  const Node& r = doc.children[0].children[0];
  ASSERT_EQ(r.fills.size(), 4u);  // the hidden paint is dropped
  EXPECT_EQ(r.fills[0].kind, Paint::Kind::kSolid);
  EXPECT_EQ(r.fills[0].color, (Color{255, 0, 0, 0.502}));
  EXPECT_EQ(r.fills[1].kind, Paint::Kind::kLinear);
  EXPECT_DOUBLE_EQ(r.fills[1].angle, 90);  // left to right
  ASSERT_EQ(r.fills[1].stops.size(), 2u);
  EXPECT_DOUBLE_EQ(r.fills[1].stops[0].position, 0);
  EXPECT_DOUBLE_EQ(r.fills[1].stops[1].position, 1);
  EXPECT_EQ(r.fills[2].kind, Paint::Kind::kRadial);
  EXPECT_DOUBLE_EQ(r.fills[2].center_x, 0.25);
  EXPECT_DOUBLE_EQ(r.fills[2].center_y, 0.75);
  EXPECT_EQ(r.fills[3].kind, Paint::Kind::kImage);
  EXPECT_EQ(r.fills[3].asset_id, "abc123");
  EXPECT_EQ(r.fills[3].scale_mode, "fit");
  ASSERT_TRUE(r.stroke);
  EXPECT_DOUBLE_EQ(r.stroke->top, 1);
  EXPECT_DOUBLE_EQ(r.stroke->left, 4);
  EXPECT_EQ(r.stroke->align, StrokeAlign::kOutside);
  EXPECT_DOUBLE_EQ(r.radii.top_right, 2);
  EXPECT_DOUBLE_EQ(r.radii.bottom_left, 4);
  ASSERT_EQ(r.effects.size(), 4u);
  EXPECT_EQ(r.effects[0].kind, Effect::Kind::kDropShadow);
  EXPECT_DOUBLE_EQ(r.effects[0].y, 2);
  EXPECT_DOUBLE_EQ(r.effects[0].spread, 1);
  EXPECT_EQ(r.effects[1].kind, Effect::Kind::kInnerShadow);
  EXPECT_EQ(r.effects[2].kind, Effect::Kind::kLayerBlur);
  EXPECT_EQ(r.effects[3].kind, Effect::Kind::kBackgroundBlur);
  EXPECT_EQ(r.blend_mode, "multiply");
  EXPECT_DOUBLE_EQ(r.opacity, 0.5);
  EXPECT_FALSE(r.visible);
}

TEST(FigmaImport, LinearGradientStopsFollowTheHandlesAlongTheCssLine) {
  // Handles from the top to the middle of a square: CSS runs top to bottom over the whole box,
  // so the stops land at 0 and 0.5.
  json gradient = {
      {"type", "GRADIENT_LINEAR"},
      {"gradientHandlePositions", json::array({{{"x", 0.5}, {"y", 0}}, {{"x", 0.5}, {"y", 0.5}}})},
      {"gradientStops", json::array({{{"position", 0}, {"color", color(1, 0, 0)}},
                                     {{"position", 1}, {"color", color(0, 0, 1)}}})}};
  json rect = node("1:3", "RECTANGLE", box(0, 0, 100, 100), {{"fills", json::array({gradient})}});
  Document loaded = load_design(rect);
  const Node& r = loaded.children[0];
  ASSERT_EQ(r.fills.size(), 1u);
  EXPECT_DOUBLE_EQ(r.fills[0].angle, 180);
  EXPECT_DOUBLE_EQ(r.fills[0].stops[0].position, 0);
  EXPECT_DOUBLE_EQ(r.fills[0].stops[1].position, 0.5);
}

TEST(FigmaImport, TextStyleOverridesBecomeRunsCountingUtf16Units) {
  // "a😀bc": the emoji is two UTF-16 units, so overrides [0, 1, 1, 2, 2] style "😀" with 1 and
  // "bc" with 2.
  json text =
      node("1:3", "TEXT", box(0, 0, 100, 20),
           {{"characters",
             "a\xF0\x9F\x98\x80"
             "bc"},
            {"style",
             {{"fontFamily", "Inter"},
              {"fontSize", 14},
              {"fontWeight", 400},
              {"lineHeightPx", 20},
              {"letterSpacing", 0.5},
              {"textAlignHorizontal", "CENTER"},
              {"textDecoration", "UNDERLINE"},
              {"textCase", "UPPER"},
              {"italic", true}}},
            {"fills", json::array({solid(0, 0, 0)})},
            {"characterStyleOverrides", json::array({0, 1, 1, 2, 2})},
            {"styleOverrideTable",
             {{"1", {{"fontWeight", 700}}}, {"2", {{"fills", json::array({solid(1, 0, 0)})}}}}}});
  Document loaded = load_design(text);
  const Node& t = loaded.children[0];
  EXPECT_EQ(t.type, NodeType::kText);
  EXPECT_EQ(t.characters,
            "a\xF0\x9F\x98\x80"
            "bc");
  EXPECT_EQ(t.text_style.font_family, "Inter");
  EXPECT_EQ(t.text_style.font_size, 14);
  EXPECT_EQ(t.text_style.line_height, 20);
  EXPECT_EQ(t.text_style.text_align, "center");
  EXPECT_EQ(t.text_style.decoration, "underline");
  EXPECT_EQ(t.text_style.transform, "uppercase");
  EXPECT_EQ(t.text_style.italic, true);
  EXPECT_EQ(t.text_style.color, (Color{0, 0, 0, 1}));
  ASSERT_EQ(t.runs.size(), 3u);
  EXPECT_EQ(t.runs[0].text, "a");
  EXPECT_FALSE(t.runs[0].style.font_weight);
  EXPECT_EQ(t.runs[1].text, "\xF0\x9F\x98\x80");
  EXPECT_EQ(t.runs[1].style.font_weight, 700);
  EXPECT_EQ(t.runs[2].text, "bc");
  EXPECT_EQ(t.runs[2].style.color, (Color{255, 0, 0, 1}));
}

TEST(FigmaImport, VectorsUseTheirGeometryAndBooleanOperandsAreNotDrawnTwice) {
  json star = node(
      "1:3", "STAR", box(0, 0, 10, 10),
      {{"fillGeometry", json::array({{{"path", "M0 0L10 0L5 10Z"}, {"windingRule", "NONZERO"}}})}});
  json boolean = node("1:4", "BOOLEAN_OPERATION", box(0, 0, 10, 10),
                      {{"fillGeometry", json::array({{{"path", "M0 0L1 1Z"}}})},
                       {"children", json::array({node("1:5", "RECTANGLE", box(0, 0, 5, 5))})}});
  json outline = node("1:6", "LINE", box(0, 0, 10, 0),
                      {{"strokes", json::array({solid(0, 0, 0)})}, {"strokeWeight", 1}});
  json no_geometry = node("1:7", "BOOLEAN_OPERATION", box(0, 0, 10, 10),
                          {{"children", json::array({node("1:8", "ELLIPSE", box(0, 0, 5, 5))})}});
  json page = node("1:2", "FRAME", box(0, 0, 100, 100),
                   {{"children", json::array({star, boolean, outline, no_geometry})}});
  Document loaded = load_design(file(json::array({page})));
  const Node& p = loaded.children[0];
  EXPECT_EQ(p.children[0].type, NodeType::kVector);
  EXPECT_EQ(p.children[0].vector_path, "M0 0L10 0L5 10Z");
  EXPECT_EQ(p.children[1].type, NodeType::kVector);
  EXPECT_TRUE(p.children[1].children.empty());
  EXPECT_EQ(p.children[1].metadata["figma"]["operands"], json::array({"1:5"}));
  EXPECT_EQ(p.children[2].type, NodeType::kLine);
  EXPECT_EQ(p.children[3].type, NodeType::kGroup);
  ASSERT_EQ(p.children[3].children.size(), 1u);
  EXPECT_EQ(p.children[3].children[0].id, "1:8");
}

TEST(FigmaImport, InstancesOfLocalComponentsStayInstancesLibraryOnesBecomeFrames) {
  json component =
      node("1:10", "COMPONENT", box(0, 0, 40, 20),
           {{"children",
             json::array({node("1:11", "TEXT", box(0, 0, 40, 20), {{"characters", "Buy"}})})}});
  json set =
      node("1:9", "COMPONENT_SET", box(0, 0, 60, 40), {{"children", json::array({component})}});
  json local = node(
      "1:20", "INSTANCE", box(100, 0, 40, 20),
      {{"componentId", "1:10"},
       {"overrides",
        json::array({{{"id", "I1:20;1:11"}, {"overriddenFields", json::array({"characters"})}}})},
       {"children",
        json::array({node("I1:20;1:11", "TEXT", box(100, 0, 40, 20), {{"characters", "Sell"}})})}});
  json library = node("1:30", "INSTANCE", box(200, 0, 40, 20), {{"componentId", "99:1"}});
  json page =
      node("1:2", "FRAME", box(0, 0, 300, 100), {{"children", json::array({local, library})}});
  Document doc = load_design(file(json::array({set, page})));
  ASSERT_EQ(doc.children.size(), 2u);
  EXPECT_EQ(doc.children[0].type, NodeType::kFrame);  // COMPONENT_SET
  EXPECT_EQ(doc.children[0].children[0].type, NodeType::kComponent);
  EXPECT_EQ(doc.components.count("1:10"), 1u);
  const Node& p = doc.children[1];
  EXPECT_EQ(p.children[0].type, NodeType::kInstance);
  EXPECT_EQ(p.children[0].component_id, "1:10");
  // Figma resolves an instance's children with its overrides applied: kept as given.
  ASSERT_EQ(p.children[0].children.size(), 1u);
  EXPECT_EQ(p.children[0].children[0].id, "I1:20;1:11");
  EXPECT_EQ(p.children[0].children[0].characters, "Sell");
  EXPECT_EQ(p.children[0].metadata["figma"]["overrides"][0]["id"], "I1:20;1:11");
  EXPECT_EQ(p.children[1].type, NodeType::kFrame);
  EXPECT_EQ(p.children[1].metadata["figma"]["componentId"], "99:1");
  EXPECT_EQ(p.children[1].metadata["figma"]["type"], "INSTANCE");
}

TEST(FigmaImport, RotationComesFromTheTransformAndPositionsStayUnrotated) {
  // A 100x50 rectangle rotated 90 degrees clockwise about its centre (150, 125): its bounds are
  // 50x100 around the same centre.
  json rect = node(
      "1:3", "RECTANGLE", box(125, 75, 50, 100),
      {{"size", {{"x", 100}, {"y", 50}}},
       {"relativeTransform", json::array({json::array({0, -1, 175}), json::array({1, 0, 100})})}});
  json page = node("1:2", "FRAME", box(0, 0, 400, 400), {{"children", json::array({rect})}});
  Document loaded = load_design(file(json::array({page})));
  const Node& r = loaded.children[0].children[0];
  EXPECT_NEAR(r.rotation, 90, 1e-9);
  EXPECT_NEAR(r.x, 100, 1e-9);
  EXPECT_NEAR(r.y, 100, 1e-9);
  EXPECT_NEAR(r.width, 100, 1e-9);
  EXPECT_NEAR(r.height, 50, 1e-9);
}

TEST(FigmaImport, KeepsUnknownPropertiesAndTypesAsMetadata) {
  json sticky = node("1:3", "STICKY", box(0, 0, 10, 10), {{"authorVisible", true}});
  json slice = node("1:4", "SLICE", box(0, 0, 10, 10));
  json page = node("1:2", "FRAME", box(0, 0, 100, 100),
                   {{"exportSettings", json::array({{{"format", "PNG"}}})},
                    {"children", json::array({sticky, slice})}});
  Document loaded = load_design(file(json::array({page})));
  const Node& p = loaded.children[0];
  EXPECT_EQ(p.metadata["figma"]["exportSettings"][0]["format"], "PNG");
  ASSERT_EQ(p.children.size(), 1u);  // slices are export regions, not layers
  EXPECT_EQ(p.children[0].type, NodeType::kRectangle);
  EXPECT_EQ(p.children[0].metadata["figma"]["type"], "STICKY");
  EXPECT_EQ(p.children[0].metadata["figma"]["authorVisible"], true);
}

TEST(FigmaImport, WrongTypesGiveErrorsWithFigmaPaths) {
  json rect = node("1:3", "RECTANGLE", box(0, 0, 10, 10),
                   {{"fills", json::array({{{"type", "SOLID"}, {"color", {{"r", "red"}}}}})},
                    {"opacity", "half"}});
  json page = node("1:2", "FRAME", box(0, 0, 100, 100), {{"children", json::array({rect, 42})}});
  auto list = problems(file(json::array({page})));
  auto has = [&](const std::string& prefix) {
    for (const auto& p : list) {
      if (p.rfind(prefix, 0) == 0) return true;
    }
    return false;
  };
  EXPECT_TRUE(has("/document/children/0/children/0/children/0/fills/0/color/r: must be a number"));
  EXPECT_TRUE(has("/document/children/0/children/0/children/0/opacity: must be a number"));
  EXPECT_TRUE(has("/document/children/0/children/0/children/1: a Figma node must be an object"));
  EXPECT_FALSE(problems(json{{"document", {{"type", "DOCUMENT"}, {"children", 5}}}}).empty());
  EXPECT_FALSE(problems(json{{"nodes", {{"1:2", 7}}}}).empty());
  EXPECT_FALSE(problems(json{{"type", "FRAME"}}).empty());  // no id
}

TEST(FigmaImport, CanvasValidationProblemsPointBackIntoTheFigmaFile) {
  // A component that contains an instance of itself: Figma never writes one, a hostile file can.
  json loop = node(
      "1:10", "COMPONENT", box(0, 0, 10, 10),
      {{"children",
        json::array({node("1:11", "INSTANCE", box(0, 0, 10, 10), {{"componentId", "1:10"}})})}});
  auto list = problems(file(json::array({loop})));
  ASSERT_FALSE(list.empty());
  EXPECT_EQ(list[0],
            "/document/children/0/children/0: component '1:10' contains an instance of itself");
  json bad_id = node("1:3 <script>", "RECTANGLE", box(0, 0, 10, 10));
  auto ids = problems(bad_id);
  ASSERT_FALSE(ids.empty());
  EXPECT_EQ(ids[0].rfind(": imported as canvas /id, which must be", 0), 0u) << ids[0];
}

TEST(FigmaImport, NodeCountAndDepthLimitsHold) {
  Limits limits;
  limits.max_nodes = 10;
  limits.max_depth = 5;
  json wide = node("1:1", "FRAME", box(0, 0, 10, 10));
  for (int i = 0; i < 20; ++i) {
    wide["children"].push_back(node("2:" + std::to_string(i), "RECTANGLE", box(0, 0, 1, 1)));
  }
  try {
    load_design(wide, limits);
    FAIL() << "accepted 21 nodes with a limit of 10";
  } catch (const InvalidDocument& e) {
    EXPECT_EQ(e.issues().back().message, "the file has more than 10 nodes");
    EXPECT_EQ(e.issues().back().path, "/children/9");
  }
  json deep = node("3:0", "FRAME", box(0, 0, 10, 10));
  for (int i = 1; i < 8; ++i) {
    deep = node("3:" + std::to_string(i), "FRAME", box(0, 0, 10, 10),
                {{"children", json::array({deep})}});
  }
  try {
    load_design(deep, limits);
    FAIL() << "accepted 8 levels with a limit of 5";
  } catch (const InvalidDocument& e) {
    EXPECT_EQ(e.issues().at(0).message, "nests deeper than 5 levels");
  }
}

}  // namespace
}  // namespace od::design2code
