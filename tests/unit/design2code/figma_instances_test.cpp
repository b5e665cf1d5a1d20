// Figma instances of components in the same file: imported as canvas instances with overrides
// for what differs, expanded with Figma's own ids (I<instance>;<node>, nested I<a>;<b>;<c>), and
// shared as one framework component; instances the overrides cannot describe, and instances of
// library components, keep Figma's resolved children.
#include <gtest/gtest.h>

#include "engines/design2code/design_input.h"
#include "engines/design2code/figma_import.h"
#include "engines/design2code/framework_project.h"
#include "engines/design2code/html_generator.h"
#include "figma_test_file.h"

namespace od::design2code {
namespace {

using nlohmann::json;

json box(double x, double y, double w, double h) {
  return {{"x", x}, {"y", y}, {"width", w}, {"height", h}};
}

json red() { return {{"type", "SOLID"}, {"color", {{"r", 1}, {"g", 0}, {"b", 0}, {"a", 1}}}}; }

json text(const std::string& id, const std::string& characters, double x, double y) {
  return {{"id", id},
          {"type", "TEXT"},
          {"name", "Label"},
          {"absoluteBoundingBox", box(x, y, 80, 20)},
          {"characters", characters},
          {"style", {{"fontFamily", "Inter"}, {"fontSize", 14}}}};
}

json badge(const std::string& id, double x, double y, bool visible = true) {
  json n = {{"id", id},
            {"type", "RECTANGLE"},
            {"name", "Badge"},
            {"absoluteBoundingBox", box(x, y, 10, 10)},
            {"fills", json::array({red()})}};
  if (!visible) n["visible"] = false;
  return n;
}

// Card (2:1) at (1000, 0): a label 2:2 and a badge 2:3.
json card_component() {
  return {{"id", "2:1"},
          {"type", "COMPONENT"},
          {"name", "Card"},
          {"absoluteBoundingBox", box(1000, 0, 100, 50)},
          {"children", json::array({text("2:2", "Buy", 1010, 10), badge("2:3", 1080, 0)})}};
}

// An instance of Card at (x, y) as Figma sends it: resolved children named I<id>;<node>.
json card_instance(const std::string& id, double x, double y, const std::string& label,
                   bool badge_visible = true) {
  return {{"id", id},
          {"type", "INSTANCE"},
          {"name", "Card"},
          {"componentId", "2:1"},
          {"absoluteBoundingBox", box(x, y, 100, 50)},
          {"children", json::array({text("I" + id + ";2:2", label, x + 10, y + 10),
                                    badge("I" + id + ";2:3", x + 80, y, badge_visible)})}};
}

json page(json children) {
  return {{"id", "1:1"},
          {"type", "FRAME"},
          {"name", "Home"},
          {"absoluteBoundingBox", box(0, 0, 400, 200)},
          {"children", std::move(children)}};
}

json two_cards() {
  return figma_file(json::array(
      {card_component(), page(json::array({card_instance("5:1", 10, 10, "Buy"),
                                           card_instance("5:2", 200, 10, "Sell", false)}))}));
}

const json* find_node(const json& nodes, const std::string& id) {
  for (const auto& n : nodes) {
    if (n.value("id", "") == id) return &n;
    if (n.contains("children")) {
      if (const json* hit = find_node(n["children"], id)) return hit;
    }
  }
  return nullptr;
}

bool contains(const std::string& s, const std::string& part) { return s.find(part) != s.npos; }

size_t count(const std::string& s, const std::string& part) {
  size_t n = 0;
  for (size_t at = s.find(part); at != s.npos; at = s.find(part, at + 1)) ++n;
  return n;
}

TEST(FigmaInstances, LocalInstancesBecomeInstancesWithOverridesForWhatDiffers) {
  json canvas = import_figma(two_cards(), InputFormat::kFigmaFile, Limits{}).canvas;
  const json* same = find_node(canvas["children"], "5:1");
  const json* other = find_node(canvas["children"], "5:2");
  ASSERT_TRUE(same && other);
  EXPECT_EQ((*same)["type"], "instance");
  EXPECT_FALSE(same->contains("children"));
  EXPECT_FALSE(same->contains("overrides"));  // identical to its component
  EXPECT_FALSE(other->contains("children"));
  EXPECT_EQ((*other)["overrides"],
            json({{"2:2", {{"characters", "Sell"}}}, {"2:3", {{"visible", false}}}}));
}

TEST(FigmaInstances, ExpandedNodesKeepFigmaIds) {
  Files html = generate_html(load_design(two_cards()), {});
  const std::string& page_html = html["index.html"];
  for (const char* id : {"5:1", "I5:1;2:2", "I5:1;2:3", "5:2", "I5:2;2:2", "I5:2;2:3"}) {
    EXPECT_EQ(count(page_html, "data-node-id=\"" + std::string(id) + "\""), 1u) << id;
  }
  EXPECT_TRUE(contains(page_html, ">Sell</p>"));
  EXPECT_TRUE(contains(page_html, "data-node-id=\"I5:2;2:3\" hidden>"));
}

TEST(FigmaInstances, TwoInstancesDifferingByTextAndVisibilityShareOneComponent) {
  Files react = generate_react(load_design(two_cards()), {});
  size_t components = 0;
  for (const auto& [path, content] : react) components += path.rfind("src/components/", 0) == 0;
  EXPECT_EQ(components, 1u);
  const std::string& card = react["src/components/Card.tsx"];
  EXPECT_TRUE(contains(card, "labelText = \"Buy\""));
  EXPECT_TRUE(contains(card, "badgeHidden = false"));
  EXPECT_TRUE(contains(card, "  /** hides the layer \"Badge\" */\n  badgeHidden?: boolean;\n"));
  EXPECT_TRUE(contains(card, "data-node-id={idPrefix + \"2:3\"} hidden={badgeHidden}"));
  const std::string& home = react["src/pages/HomePage.tsx"];
  EXPECT_TRUE(contains(home, "<Card nodeId=\"5:1\" nodeClass={styles[\"card\"]} />"));
  // Placed elsewhere (its own root class), the second instance only passes what differs.
  EXPECT_TRUE(contains(home,
                       "<Card nodeId=\"5:2\" nodeClass={styles[\"card-2\"]} "
                       "labelText={\"Sell\"} badgeHidden={true} />"));

  Files vue = generate_vue(load_design(two_cards()), {});
  components = 0;
  for (const auto& [path, content] : vue) components += path.rfind("src/components/", 0) == 0;
  EXPECT_EQ(components, 1u);
  EXPECT_TRUE(contains(vue["src/components/Card.vue"], ":hidden=\"badgeHidden\""));
  EXPECT_TRUE(contains(vue["src/pages/HomePage.vue"], ":badgeHidden=\"true\""));
}

// Row (3:1) holds an instance 3:2 of Card; the page's instance 6:1 of Row shows "Nested" in the
// nested label. Figma names the nested nodes I6:1;3:2;2:2. `label_size`: the font size both
// nested labels use (Card's own is 14).
json nested_rows(double label_size) {
  json nested_in_component = card_instance("3:2", 1000, 100, "Buy");
  nested_in_component["children"][0]["style"]["fontSize"] = label_size;
  json row = {{"id", "3:1"},
              {"type", "COMPONENT"},
              {"name", "Row"},
              {"absoluteBoundingBox", box(1000, 100, 100, 50)},
              {"children", json::array({nested_in_component})}};
  json nested = card_instance("I6:1;3:2", 10, 10, "Nested");
  // Figma chains the ids of nodes inside a nested instance.
  nested["children"][0]["id"] = "I6:1;3:2;2:2";
  nested["children"][0]["style"]["fontSize"] = label_size;
  nested["children"][1]["id"] = "I6:1;3:2;2:3";
  json use = {{"id", "6:1"},
              {"type", "INSTANCE"},
              {"name", "Row"},
              {"componentId", "3:1"},
              {"absoluteBoundingBox", box(10, 10, 100, 50)},
              {"children", json::array({nested})}};
  return figma_file(json::array({card_component(), row, page(json::array({use}))}));
}

void expect_nested_ids(const json& input) {
  std::string html = generate_html(load_design(input), {})["index.html"];
  for (const char* id : {"6:1", "I6:1;3:2", "I6:1;3:2;2:2", "I6:1;3:2;2:3"}) {
    EXPECT_EQ(count(html, "data-node-id=\"" + std::string(id) + "\""), 1u) << id;
  }
  EXPECT_TRUE(contains(html, ">Nested</"));
}

// The page's Row instance changes the nested label through "3:2;2:2".
TEST(FigmaInstances, NestedInstancesChainIdsAndOverrideThroughTheNestedInstance) {
  json input = nested_rows(14);
  json canvas = import_figma(input, InputFormat::kFigmaFile, Limits{}).canvas;
  const json* imported = find_node(canvas["children"], "6:1");
  ASSERT_TRUE(imported);
  EXPECT_FALSE(imported->contains("children"));
  EXPECT_EQ((*imported)["overrides"], json({{"3:2;2:2", {{"characters", "Nested"}}}}));
  const json* inner = find_node(canvas["children"], "3:2");
  ASSERT_TRUE(inner);
  EXPECT_FALSE(inner->contains("children"));  // the component's own nested instance, too
  expect_nested_ids(input);
}

// Row's own nested instance 3:2 restyles its label, so it keeps its resolved children; an override
// of the page's Row instance that reaches through 3:2 could then name nothing, so that instance
// keeps its resolved children too, and every id still is Figma's.
TEST(FigmaInstances, OverridesThroughAResolvedNestedInstanceKeepTheOuterOneResolved) {
  json input = nested_rows(20);
  json canvas = import_figma(input, InputFormat::kFigmaFile, Limits{}).canvas;
  const json* inner = find_node(canvas["children"], "3:2");
  ASSERT_TRUE(inner);
  EXPECT_EQ((*inner)["figma"]["resolvedBecause"], "text style of I3:2;2:2");
  const json* outer = find_node(canvas["children"], "6:1");
  ASSERT_TRUE(outer);
  EXPECT_TRUE(outer->contains("children"));
  EXPECT_EQ((*outer)["figma"]["resolvedBecause"], "override through 3:2");
  expect_nested_ids(input);
}

TEST(FigmaInstances, InstancesOverridesCannotDescribeKeepTheirResolvedChildren) {
  json restyled = card_instance("5:3", 10, 100, "Buy");
  restyled["children"][0]["style"]["fontSize"] = 20;  // a text style is no override
  json library = card_instance("5:4", 200, 100, "Buy");
  library["componentId"] = "99:1";  // a component from a library, not in the file
  json input = figma_file(json::array({card_component(), page(json::array({restyled, library}))}));
  json canvas = import_figma(input, InputFormat::kFigmaFile, Limits{}).canvas;
  const json* kept = find_node(canvas["children"], "5:3");
  ASSERT_TRUE(kept);
  EXPECT_EQ((*kept)["type"], "instance");
  EXPECT_EQ((*kept)["children"].size(), 2u);
  EXPECT_EQ((*kept)["figma"]["resolvedBecause"], "text style of I5:3;2:2");
  const json* lib = find_node(canvas["children"], "5:4");
  ASSERT_TRUE(lib);
  EXPECT_EQ((*lib)["type"], "frame");
  EXPECT_EQ((*lib)["children"].size(), 2u);
  std::string html = generate_html(load_design(input), {})["index.html"];
  for (const char* id : {"I5:3;2:2", "I5:4;2:2"}) {
    EXPECT_EQ(count(html, "data-node-id=\"" + std::string(id) + "\""), 1u) << id;
  }
}

}  // namespace
}  // namespace od::design2code
