// Instance overrides: an instance shows its component's structure with its own text, fills,
// opacity and visibility for the descendants it names, through nested instances too; keys that
// name nothing are path-precise errors.
#include <gtest/gtest.h>

#include "engines/design2code/document.h"
#include "engines/design2code/html_generator.h"

namespace od::design2code {
namespace {

using nlohmann::json;

json card() {
  return {{"id", "card"},
          {"type", "component"},
          {"name", "Card"},
          {"width", 100},
          {"height", 40},
          {"children",
           json::array({{{"id", "title"},
                         {"type", "text"},
                         {"name", "Title"},
                         {"width", 100},
                         {"height", 20},
                         {"text", {{"characters", "Default title"}}}},
                        {{"id", "badge"},
                         {"type", "rectangle"},
                         {"name", "Badge"},
                         {"y", 20},
                         {"width", 10},
                         {"height", 10},
                         {"fills", json::array({{{"type", "solid"}, {"color", "#ff0000"}}})}}})}};
}

json doc(json overrides, json extra_components = json::array()) {
  json children = extra_components;
  children.push_back(card());
  children.push_back({{"id", "p"},
                      {"type", "frame"},
                      {"name", "Page"},
                      {"width", 200},
                      {"height", 100},
                      {"children", json::array({{{"id", "i1"},
                                                 {"type", "instance"},
                                                 {"componentId", "card"},
                                                 {"width", 100},
                                                 {"height", 40},
                                                 {"overrides", std::move(overrides)}}})}});
  return {{"version", 1}, {"children", children}};
}

std::string page_html(const json& d) { return generate_html(parse_document(d), {})["index.html"]; }

std::vector<std::string> problems(const json& d) {
  try {
    parse_document(d);
  } catch (const InvalidDocument& e) {
    std::vector<std::string> out;
    for (const auto& i : e.issues()) out.push_back(i.path + ": " + i.message);
    return out;
  }
  return {};
}

bool contains(const std::string& s, const std::string& part) { return s.find(part) != s.npos; }

TEST(InstanceOverrides, ReplaceTextFillsAndVisibilityOfTheComponentsNodes) {
  std::string html = page_html(
      doc({{"title", {{"characters", "Custom <title>"}}}, {"badge", {{"visible", false}}}}));
  EXPECT_TRUE(contains(html, "Custom &lt;title&gt;"));
  EXPECT_FALSE(contains(html, "Default title"));
  // The badge is still generated (ids stay stable) but hidden.
  EXPECT_TRUE(contains(html, "data-node-id=\"Ii1;badge\""));
  Files files = generate_html(parse_document(doc({{"badge", {{"visible", false}}}})), {});
  EXPECT_TRUE(contains(files["styles.css"], "display: none"));

  Files plain = generate_html(parse_document(doc(json::object())), {});
  Files green = generate_html(
      parse_document(
          doc({{"badge", {{"fills", json::array({{{"type", "solid"}, {"color", "#00ff00"}}})}}}})),
      {});
  EXPECT_FALSE(contains(plain["styles.css"], "#00ff00"));
  EXPECT_TRUE(contains(green["styles.css"], "#00ff00"));
  EXPECT_TRUE(contains(page_html(doc(json::object())), "Default title"));
}

TEST(InstanceOverrides, ReachIntoNestedInstancesAndTheOuterOneWins) {
  // "row" holds an instance "inner" of the card with its own override; the page's instance of
  // "row" overrides the same title through "inner;title".
  json row = {{"id", "row"},
              {"type", "component"},
              {"width", 100},
              {"height", 40},
              {"children", json::array({{{"id", "inner"},
                                         {"type", "instance"},
                                         {"componentId", "card"},
                                         {"width", 100},
                                         {"height", 40},
                                         {"overrides", {{"title", {{"characters", "Inner"}}}}}}})}};
  json d = {
      {"version", 1},
      {"children",
       json::array(
           {card(),
            row,
            {{"id", "p"},
             {"type", "frame"},
             {"width", 200},
             {"height", 100},
             {"children",
              json::array({{{"id", "a"}, {"type", "instance"}, {"componentId", "row"}},
                           {{"id", "b"},
                            {"type", "instance"},
                            {"componentId", "row"},
                            {"overrides", {{"inner;title", {{"characters", "Outer"}}}}}}})}}})}};
  std::string html = page_html(d);
  EXPECT_TRUE(contains(html, "Inner"));  // instance a keeps row's own override
  EXPECT_TRUE(contains(html, "Outer"));  // instance b overrides it from outside
  // Nested expansion chains ids as Figma does: I<outer>;<nested instance>;<node>.
  EXPECT_TRUE(contains(html, "data-node-id=\"Ib;inner;title\""));
  EXPECT_TRUE(contains(html, "data-node-id=\"Ib;inner\""));
}

// A Figma instance resized from its component moves and resizes descendants: x, y, width and
// height are overridable and land in the descendant's own rule.
TEST(InstanceOverrides, MoveAndResizeTheComponentsNodes) {
  json d = doc({{"badge", {{"x", 37}, {"y", 21}, {"width", 13}, {"height", 9}}}});
  Files files = generate_html(parse_document(d), {});
  EXPECT_TRUE(contains(files["styles.css"], "left: 37px;"));
  EXPECT_TRUE(contains(files["styles.css"], "top: 21px;"));
  EXPECT_TRUE(contains(files["styles.css"], "width: 13px;"));
  EXPECT_TRUE(contains(files["styles.css"], "height: 9px;"));
  Files plain = generate_html(parse_document(doc(json::object())), {});
  EXPECT_FALSE(contains(plain["styles.css"], "left: 37px;"));
}

// Expanded ids are "I<instance>;<node>"; a hand-written node that spells one is refused instead
// of giving two elements one data-node-id.
TEST(InstanceOverrides, ExpandedIdsThatCollideWithDocumentIdsAreRefused) {
  json d = doc(json::object());
  d["children"][1]["children"].push_back(
      {{"id", "Ii1;title"}, {"type", "rectangle"}, {"width", 1}, {"height", 1}});
  try {
    generate_html(parse_document(d), {});
    FAIL() << "two elements got the id Ii1;title";
  } catch (const InvalidDocument& e) {
    ASSERT_EQ(e.issues().size(), 1u);
    EXPECT_NE(e.issues()[0].message.find("'Ii1;title'"), std::string::npos);
  }
}

TEST(InstanceOverrides, KeysMustNameANodeOfTheComponentAndFieldsMustFit) {
  auto unknown = problems(doc({{"nothing", {{"visible", false}}}}));
  ASSERT_EQ(unknown.size(), 1u);
  EXPECT_EQ(unknown[0],
            "/children/1/children/0/overrides/nothing: names no node inside component 'card'");
  auto not_text = problems(doc({{"badge", {{"characters", "x"}}}}));
  ASSERT_EQ(not_text.size(), 1u);
  EXPECT_EQ(not_text[0],
            "/children/1/children/0/overrides/badge/characters: applies to text nodes only");
  auto field = problems(doc({{"badge", {{"rotation", 5}}}}));
  ASSERT_EQ(field.size(), 1u);
  EXPECT_EQ(
      field[0].rfind("/children/1/children/0/overrides/badge/rotation: is not an overridable", 0),
      0u);
  auto size = problems(doc({{"badge", {{"width", -5}}}}));
  ASSERT_EQ(size.size(), 1u);
  EXPECT_EQ(size[0].rfind("/children/1/children/0/overrides/badge/width: ", 0), 0u);
  auto type = problems(doc({{"badge", {{"visible", "no"}}}}));
  ASSERT_EQ(type.size(), 1u);
  EXPECT_EQ(type[0],
            "/children/1/children/0/overrides/badge/visible: must be a boolean, not a string");
  auto paint = problems(doc({{"badge", {{"fills", json::array({{{"type", "solid"}}})}}}}));
  ASSERT_EQ(paint.size(), 1u);
  EXPECT_EQ(paint[0], "/children/1/children/0/overrides/badge/fills/0/color: is required");
  EXPECT_FALSE(problems(doc(json::array())).empty());  // overrides must be an object
  json on_frame = doc(json::object());
  on_frame["children"][1]["overrides"] = json::object();
  EXPECT_EQ(problems(on_frame),
            std::vector<std::string>{"/children/1/overrides: applies to instances only"});
}

}  // namespace
}  // namespace od::design2code
