// Canvas document validation: every problem is reported with the JSON pointer it concerns, limits
// hold, and hostile documents give errors instead of crashes.
#include <gtest/gtest.h>

#include <cmath>

#include "engines/design2code/document.h"

namespace od::design2code {
namespace {

using nlohmann::json;

json rect(const std::string& id) {
  return {{"id", id}, {"type", "rectangle"}, {"width", 10}, {"height", 10}};
}

json page(json children) {
  return {{"version", 1},
          {"children", json::array({{{"id", "p"},
                                     {"type", "frame"},
                                     {"width", 100},
                                     {"height", 100},
                                     {"children", std::move(children)}}})}};
}

// The issues parse_document reports, as "path: message" lines.
std::vector<std::string> problems(const json& doc, const Limits& limits = {}) {
  try {
    parse_document(doc, limits);
  } catch (const InvalidDocument& e) {
    std::vector<std::string> out;
    for (const auto& i : e.issues()) out.push_back(i.path + ": " + i.message);
    return out;
  }
  return {};
}

bool has_problem_at(const std::vector<std::string>& list, const std::string& path) {
  for (const auto& p : list) {
    if (p.rfind(path + ": ", 0) == 0) return true;
  }
  return false;
}

TEST(Design2CodeValidate, AcceptsAMinimalDocument) {
  Document doc = parse_document(page(json::array({rect("r")})));
  ASSERT_EQ(doc.children.size(), 1u);
  EXPECT_EQ(doc.children[0].children[0].type, NodeType::kRectangle);
  EXPECT_EQ(doc.children[0].children[0].width, 10);
}

TEST(Design2CodeValidate, ReportsPathsOfBadPaints) {
  json r = rect("r");
  r["fills"] = json::array({{{"type", "solid"}, {"color", "#12345"}},
                            {{"type", "linear"}, {"stops", json::array()}},
                            {{"type", "image"}, {"assetId", "../etc/passwd"}}});
  auto list = problems(page(json::array({rect("a"), r})));
  EXPECT_TRUE(has_problem_at(list, "/children/0/children/1/fills/0/color"));
  EXPECT_TRUE(has_problem_at(list, "/children/0/children/1/fills/1/stops"));
  EXPECT_TRUE(has_problem_at(list, "/children/0/children/1/fills/2/assetId"));
}

TEST(Design2CodeValidate, ReportsWrongTypesAndMissingFields) {
  json bad = {{"type", "ellipse"}, {"width", "wide"}, {"opacity", 2}, {"visible", 1}};
  auto list = problems(page(json::array({bad})));
  EXPECT_TRUE(has_problem_at(list, "/children/0/children/0/id"));
  EXPECT_TRUE(has_problem_at(list, "/children/0/children/0/width"));
  EXPECT_TRUE(has_problem_at(list, "/children/0/children/0/opacity"));
  EXPECT_TRUE(has_problem_at(list, "/children/0/children/0/visible"));
  EXPECT_TRUE(has_problem_at(problems(json{{"children", json::array()}}), "/version"));
  EXPECT_TRUE(has_problem_at(problems(json::array()), ""));
}

TEST(Design2CodeValidate, RejectsUnknownTypesAndChildrenOfLeaves) {
  json weird = rect("w");
  weird["type"] = "hologram";
  json leaf = rect("l");
  leaf["children"] = json::array({rect("c")});
  auto list = problems(page(json::array({weird, leaf})));
  EXPECT_TRUE(has_problem_at(list, "/children/0/children/0/type"));
  EXPECT_TRUE(has_problem_at(list, "/children/0/children/1/children"));
}

TEST(Design2CodeValidate, KeepsUnknownPropertiesAsMetadata) {
  json r = rect("1:23");
  r["pluginData"] = {{"answer", 42}};
  json doc = page(json::array({r}));
  doc["documentColors"] = json::array({"#ffffff"});
  Document parsed = parse_document(doc);
  EXPECT_EQ(parsed.children[0].children[0].id, "1:23");
  EXPECT_EQ(parsed.children[0].children[0].metadata["pluginData"]["answer"], 42);
  EXPECT_EQ(parsed.metadata["documentColors"][0], "#ffffff");
}

TEST(Design2CodeValidate, RejectsDuplicateIdsAndBadIds) {
  auto list = problems(page(json::array({rect("x"), rect("x")})));
  EXPECT_TRUE(has_problem_at(list, "/children/0/children/1/id"));
  list = problems(page(json::array({rect("a b")})));
  EXPECT_TRUE(has_problem_at(list, "/children/0/children/0/id"));
}

TEST(Design2CodeValidate, InstancesMustNameAComponentThatDoesNotContainItself) {
  json missing = {{"id", "i"}, {"type", "instance"}, {"componentId", "nope"}};
  EXPECT_TRUE(
      has_problem_at(problems(page(json::array({missing}))), "/children/0/children/0/componentId"));

  // a contains an instance of b, b one of a: expanding either would never end.
  json a = {
      {"id", "a"},
      {"type", "component"},
      {"children", json::array({{{"id", "ia"}, {"type", "instance"}, {"componentId", "b"}}})}};
  json b = {
      {"id", "b"},
      {"type", "component"},
      {"children", json::array({{{"id", "ib"}, {"type", "instance"}, {"componentId", "a"}}})}};
  json doc = {{"version", 1}, {"children", json::array({a, b})}};
  auto list = problems(doc);
  ASSERT_FALSE(list.empty());
  EXPECT_NE(list[0].find("contains an instance of itself"), std::string::npos);
}

TEST(Design2CodeValidate, EnforcesNodeCountDepthAndStringLimits) {
  Limits limits;
  limits.max_nodes = 50;
  json many = json::array();
  for (int i = 0; i < 60; ++i) many.push_back(rect("r" + std::to_string(i)));
  auto list = problems(page(many), limits);
  ASSERT_FALSE(list.empty());
  EXPECT_NE(list[0].find("more than 50 nodes"), std::string::npos);

  // 300 nested frames: deeper than the 256 levels allowed.
  json deep = rect("leaf");
  for (int i = 0; i < 300; ++i) {
    deep = {{"id", "f" + std::to_string(i)}, {"type", "frame"}, {"children", json::array({deep})}};
  }
  list = problems(json{{"version", 1}, {"children", json::array({deep})}});
  ASSERT_FALSE(list.empty());
  EXPECT_NE(list[0].find("nests deeper than 256"), std::string::npos);

  json text = {
      {"id", "t"}, {"type", "text"}, {"text", {{"characters", std::string(2 << 20, 'a')}}}};
  EXPECT_TRUE(has_problem_at(problems(page(json::array({text}))),
                             "/children/0/children/0/text/characters"));
  json name = rect("n");
  name["name"] = std::string(5000, 'x');
  EXPECT_TRUE(has_problem_at(problems(page(json::array({name}))), "/children/0/children/0/name"));
}

TEST(Design2CodeValidate, RejectsHugeAndNonFiniteNumbers) {
  json r = rect("r");
  r["x"] = 1e300;
  r["rotation"] = std::nan("");  // reaches the parser when documents are built in memory
  auto list = problems(page(json::array({r})));
  EXPECT_TRUE(has_problem_at(list, "/children/0/children/0/x"));
  EXPECT_TRUE(has_problem_at(list, "/children/0/children/0/rotation"));
}

TEST(Design2CodeValidate, RejectsScriptsInLinksPathsAndFonts) {
  json link = rect("l");
  link["link"] = "javascript:alert(1)";
  json vec = {{"id", "v"}, {"type", "vector"}, {"path", "M0 0\"/><script>"}};
  json text = {{"id", "t"},
               {"type", "text"},
               {"text", {{"characters", "x"}, {"style", {{"fontFamily", "a\";}</style>"}}}}}};
  auto list = problems(page(json::array({link, vec, text})));
  EXPECT_TRUE(has_problem_at(list, "/children/0/children/0/link"));
  EXPECT_TRUE(has_problem_at(list, "/children/0/children/1/path"));
  EXPECT_TRUE(has_problem_at(list, "/children/0/children/2/text/style/fontFamily"));
}

TEST(Design2CodeValidate, TextRunsMustAddUpToTheCharacters) {
  json text = {
      {"id", "t"},
      {"type", "text"},
      {"text",
       {{"characters", "Hello"}, {"runs", json::array({{{"text", "Hel"}}, {{"text", "p"}}})}}}};
  EXPECT_TRUE(
      has_problem_at(problems(page(json::array({text}))), "/children/0/children/0/text/runs"));
}

TEST(Design2CodeValidate, BreakpointOverridesMustNameADeclaredBreakpoint) {
  json r = rect("r");
  r["breakpoints"] = {{"phone", {{"visible", false}}}};
  json doc = page(json::array({r}));
  doc["breakpoints"] = json::array({{{"name", "mobile"}, {"maxWidth", 480}}});
  EXPECT_TRUE(has_problem_at(problems(doc), "/children/0/children/0/breakpoints/phone"));
}

TEST(Design2CodeValidate, TextParsingRejectsMalformedAndDeepJsonWithoutCrashing) {
  EXPECT_THROW(parse_document_text("{\"version\": 1, "), InvalidDocument);
  EXPECT_THROW(parse_document_text(std::string(1'000'000, '[')), InvalidDocument);
  EXPECT_THROW(parse_document_text("\"just a string\""), InvalidDocument);
}

TEST(Design2CodeValidate, StopsCollectingAfterTheCap) {
  json many = json::array();
  for (int i = 0; i < 500; ++i) many.push_back({{"id", "r" + std::to_string(i)}, {"type", 7}});
  auto list = problems(page(many));
  EXPECT_LE(list.size(), 51u);
  EXPECT_NE(list.back().find("too many problems"), std::string::npos);
}

}  // namespace
}  // namespace od::design2code
