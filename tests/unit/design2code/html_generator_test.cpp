// HTML target: deterministic output, names, flexbox and absolute mapping, tokens, semantics and
// the bounds on instance expansion.
#include "engines/design2code/html_generator.h"

#include <gtest/gtest.h>

#include "engines/design2code/css.h"
#include "engines/design2code/naming.h"

namespace od::design2code {
namespace {

using nlohmann::json;

json rect(const std::string& id, const std::string& name, double w, double h, double x = 0,
          double y = 0) {
  return {{"id", id},     {"type", "rectangle"},
          {"name", name}, {"x", x},
          {"y", y},       {"width", w},
          {"height", h},  {"fills", {{{"type", "solid"}, {"color", "#ff0000"}}}}};
}

json text(const std::string& id, const std::string& chars, double size) {
  return {{"id", id},       {"type", "text"},
          {"name", chars},  {"width", 100},
          {"height", size}, {"text", {{"characters", chars}, {"style", {{"fontSize", size}}}}}};
}

json frame(const std::string& id, const std::string& name, json children, json extra = {}) {
  json f = {{"id", id},     {"type", "frame"}, {"name", name},
            {"width", 400}, {"height", 300},   {"children", std::move(children)}};
  if (extra.is_object()) f.update(extra);
  return f;
}

Files compile(const json& children, const std::string& frame_name = "", json extra = {}) {
  json doc = {{"version", 1}, {"name", "Test"}, {"children", children}};
  if (extra.is_object()) doc.update(extra);
  GenerateOptions options;
  options.frame = frame_name;
  return generate_html(parse_document(doc), options);
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

TEST(Design2CodeNaming, SlugifiesAndDeduplicates) {
  EXPECT_EQ(slugify("Hero Title!", "text"), "hero-title");
  EXPECT_EQ(slugify("  --Émile's   card-- ", "frame"), "mile-s-card");
  EXPECT_EQ(slugify("", "rectangle"), "rectangle");
  EXPECT_EQ(slugify("3 columns", "frame"), "frame-3-columns");
  EXPECT_EQ(slugify(std::string(100, 'a'), "x").size(), 40u);
  NameRegistry names;
  EXPECT_EQ(names.unique("card"), "card");
  EXPECT_EQ(names.unique("card-2"), "card-2");
  EXPECT_EQ(names.unique("card"), "card-3");  // card-2 is a layer's own name already
}

TEST(Design2CodeCss, PrintsNumbersAndColoursOneWay) {
  EXPECT_EQ(css::number(12.0), "12");
  EXPECT_EQ(css::number(12.504), "12.5");
  EXPECT_EQ(css::number(-0.001), "0");
  EXPECT_EQ(css::px(0), "0");
  EXPECT_EQ(css::px(3.333), "3.33px");
  EXPECT_EQ(css::color({255, 0, 16, 1}), "#ff0010");
  EXPECT_EQ(css::color({0, 0, 0, 0.5}), "rgba(0, 0, 0, 0.5)");
}

TEST(Design2CodeHtml, IsDeterministic) {
  json doc = json::array(
      {frame("p", "Page", json::array({rect("a", "Box", 10, 10, 5, 5), text("t", "Hello", 24)}))});
  Files first = compile(doc);
  Files second = compile(doc);
  EXPECT_EQ(first, second);
  EXPECT_EQ(first.size(), 2u);
  EXPECT_TRUE(first.count("index.html"));
  EXPECT_TRUE(first.count("styles.css"));
}

TEST(Design2CodeHtml, EveryNodeCarriesItsIdAndAClassFromItsName) {
  Files files = compile(json::array({frame(
      "1:1", "Landing Page",
      json::array({rect("1:2", "Hero Image", 10, 10), rect("1:3", "Hero Image", 10, 10)}))}));
  const auto& html = files["index.html"];
  EXPECT_TRUE(contains(html, "class=\"landing-page\" data-node-id=\"1:1\""));
  EXPECT_TRUE(contains(html, "class=\"hero-image\" data-node-id=\"1:2\""));
  // Same styles otherwise but another position: its own class, de-duplicated.
  json moved = json::array({frame(
      "1:1", "P",
      json::array({rect("1:2", "Hero Image", 10, 10), rect("1:3", "Hero Image", 10, 10, 50)}))});
  EXPECT_TRUE(
      contains(compile(moved)["index.html"], "class=\"hero-image-2\" data-node-id=\"1:3\""));
}

TEST(Design2CodeHtml, IdenticalElementsShareOneRule) {
  Files files = compile(json::array(
      {frame("p", "P", json::array({rect("a", "Dot", 10, 10), rect("b", "Dot", 10, 10)}))}));
  EXPECT_TRUE(contains(files["index.html"], "class=\"dot\" data-node-id=\"b\""));
  EXPECT_FALSE(contains(files["styles.css"], ".dot-2"));
}

TEST(Design2CodeHtml, AutoLayoutBecomesFlexbox) {
  json row = frame("row", "Row",
                   json::array({rect("a", "A", 50, 20),
                                {{"id", "b"},
                                 {"type", "rectangle"},
                                 {"name", "B"},
                                 {"sizing", {{"horizontal", "fill"}, {"vertical", "fill"}}}}}),
                   {{"layout",
                     {{"direction", "row"},
                      {"gap", 8},
                      {"padding", {{"top", 4}}},
                      {"mainAlign", "space-between"},
                      {"crossAlign", "center"},
                      {"wrap", true}}},
                    {"sizing", {{"horizontal", "hug"}}}});
  Files files = compile(json::array({frame("p", "Page", json::array({row}))}));
  const auto& css = files["styles.css"];
  EXPECT_TRUE(contains(css, ".row {\n  position: absolute;\n  left: 0;\n  width: fit-content;"));
  EXPECT_TRUE(contains(css, "  display: flex;\n  flex-direction: row;\n  flex-wrap: wrap;"));
  EXPECT_TRUE(contains(css, "  gap: 8px;\n"));
  EXPECT_TRUE(contains(css, "  padding: 4px 0 0 0;\n"));
  EXPECT_TRUE(contains(css, "  justify-content: space-between;\n  align-items: center;\n"));
  EXPECT_TRUE(contains(css, ".a {\n  position: relative;\n  flex: none;\n  width: 50px;\n"));
  EXPECT_TRUE(contains(css,
                       ".b {\n  position: relative;\n  flex: 1 1 0;\n  min-width: 0;\n"
                       "  align-self: stretch;\n"));
}

TEST(Design2CodeHtml, FreeFormChildrenFollowTheirConstraints) {
  json right = rect("r", "Right", 100, 40, 280, 10);
  right["constraints"] = {{"horizontal", "right"}, {"vertical", "bottom"}};
  json stretch = rect("s", "Stretch", 380, 40, 10, 100);
  stretch["constraints"] = {{"horizontal", "left-right"}, {"vertical", "center"}};
  json scale = rect("c", "Scale", 100, 30, 100, 150);
  scale["constraints"] = {{"horizontal", "scale"}, {"vertical", "scale"}};
  Files files = compile(json::array({frame("p", "Page", json::array({right, stretch, scale}))}));
  const auto& css = files["styles.css"];
  EXPECT_TRUE(contains(css,
                       ".right {\n  position: absolute;\n  right: 20px;\n  width: 100px;\n"
                       "  bottom: 250px;\n  height: 40px;\n"));
  EXPECT_TRUE(contains(css, "  left: 10px;\n  right: 10px;\n  top: calc(50% + -50px);\n"));
  EXPECT_TRUE(contains(css, "  left: 25%;\n  width: 25%;\n  top: 50%;\n  height: 10%;\n"));
}

TEST(Design2CodeHtml, RepeatedValuesBecomeTokens) {
  json a = rect("a", "A", 10, 10);
  json b = rect("b", "B", 20, 10);
  json c = rect("c", "C", 10, 10);
  c["fills"][0]["color"] = "#00ff00";
  Files files = compile(json::array({frame("p", "Page", json::array({a, b, c}))}));
  const auto& css = files["styles.css"];
  EXPECT_TRUE(contains(css, ":root {\n  --color-1: #ff0000;\n}"));
  EXPECT_TRUE(contains(css, "background-color: var(--color-1);"));
  EXPECT_TRUE(contains(css, "background-color: #00ff00;"));  // used once: no token
}

TEST(Design2CodeHtml, SemanticsFollowTheDesign) {
  json button = frame("btn", "Sign up button", json::array({text("bl", "Sign up", 16)}));
  json link = text("ln", "Docs", 16);
  link["link"] = "https://example.com/?a=1&b=2";
  json image = {{"id", "img"},     {"type", "image"}, {"name", "Team <photo>"},
                {"assetId", "a1"}, {"width", 10},     {"height", 10}};
  json list = frame(
      "list", "List",
      json::array({rect("i1", "Item", 5, 5), rect("i2", "Item", 5, 5), rect("i3", "Item", 5, 5)}),
      {{"layout", {{"direction", "column"}}}});
  Files files = compile(
      json::array({frame("p", "Page",
                         json::array({text("h1", "Big", 40), text("h2", "Medium", 24),
                                      text("body", "Small", 14), button, link, image, list}))}));
  const auto& html = files["index.html"];
  EXPECT_TRUE(contains(html, "<h1 class=\"big\" data-node-id=\"h1\">Big</h1>"));
  EXPECT_TRUE(contains(html, "<h2 class=\"medium\" data-node-id=\"h2\">Medium</h2>"));
  EXPECT_TRUE(contains(html, "<p class=\"small\" data-node-id=\"body\">Small</p>"));
  EXPECT_TRUE(
      contains(html, "<button class=\"sign-up-button\" data-node-id=\"btn\" type=\"button\">"));
  EXPECT_TRUE(contains(html, "<span class=\"sign-up\" data-node-id=\"bl\">Sign up</span>"));
  EXPECT_TRUE(contains(html, "href=\"https://example.com/?a=1&amp;b=2\""));
  EXPECT_TRUE(contains(html,
                       "<img class=\"team-photo\" data-node-id=\"img\" src=\"assets/a1\" "
                       "alt=\"Team &lt;photo&gt;\">"));
  EXPECT_TRUE(contains(html, "<ul class=\"list\" data-node-id=\"list\">"));
  EXPECT_TRUE(contains(html, "<li class=\"item\" data-node-id=\"i1\"></li>"));
}

TEST(Design2CodeHtml, TextIsEscapedAndRunsKeepTheNodeId) {
  json t = text("t", "<b>&", 16);
  json runs = {{"id", "r"},
               {"type", "text"},
               {"name", "Runs"},
               {"width", 100},
               {"height", 20},
               {"text",
                {{"runs", json::array({{{"text", "Bold"}, {"style", {{"fontWeight", 700}}}},
                                       {{"text", " plain"}}})}}}};
  Files files = compile(json::array({frame("p", "Page", json::array({t, runs}))}));
  const auto& html = files["index.html"];
  EXPECT_TRUE(contains(html, ">&lt;b&gt;&amp;</p>"));
  EXPECT_TRUE(contains(html, "<span class=\"runs-run-1\" data-node-id=\"r\" data-run=\"1\">Bold"));
  EXPECT_TRUE(contains(files["styles.css"], ".runs-run-1 {\n  font-weight: 700;\n}"));
}

TEST(Design2CodeHtml, BreakpointsBecomeMediaQueries) {
  json r = rect("r", "Panel", 10, 10);
  r["breakpoints"] = {{"mobile", {{"visible", false}}}, {"tablet", {{"width", 5}}}};
  Files files = compile(json::array({frame("p", "Page", json::array({r}))}), "",
                        {{"breakpoints", json::array({{{"name", "mobile"}, {"maxWidth", 480}},
                                                      {{"name", "tablet"}, {"maxWidth", 900}}})}});
  const auto& css = files["styles.css"];
  auto tablet = css.find("@media (max-width: 900px) {\n  .panel {\n    width: 5px;\n  }\n}");
  auto mobile = css.find("@media (max-width: 480px) {\n  .panel {\n    display: none;\n  }\n}");
  ASSERT_NE(tablet, std::string::npos);
  ASSERT_NE(mobile, std::string::npos);
  EXPECT_LT(tablet, mobile);  // the narrower query comes last so it wins
}

TEST(Design2CodeHtml, PagesAndFrameSelection) {
  json pages =
      json::array({frame("a", "Home", json::array()), frame("b", "About us", json::array())});
  Files all = compile(pages);
  EXPECT_TRUE(all.count("home.html"));
  EXPECT_TRUE(all.count("about-us.html"));
  EXPECT_TRUE(contains(all["index.html"], "<a href=\"about-us.html\">About us</a>"));

  Files one = compile(pages, "About us");
  EXPECT_EQ(one.size(), 2u);
  EXPECT_TRUE(contains(one["index.html"], "data-node-id=\"b\""));
  EXPECT_FALSE(contains(one["index.html"], "data-node-id=\"a\""));
  EXPECT_TRUE(contains(compile(pages, "b")["index.html"], "data-node-id=\"b\""));
  EXPECT_THROW(compile(pages, "Missing"), InvalidDocument);
}

// A component placed on the page outside any frame is a library, not a page; naming it compiles
// it as a page of its own (so it can be looked at and measured). Frames win over components.
TEST(Design2CodeHtml, FrameSelectionCompilesATopLevelComponentAsItsOwnPage) {
  json component = {{"id", "c"},      {"type", "component"},
                    {"name", "Chip"}, {"x", 500},
                    {"y", 40},        {"width", 30},
                    {"height", 20},   {"children", json::array({rect("dot", "Dot", 4, 4, 3, 2)})}};
  json pages = json::array({component, frame("a", "Home", json::array())});
  Files all = compile(pages);
  EXPECT_FALSE(contains(all["index.html"], "data-node-id=\"c\""));
  for (const char* selector : {"c", "Chip"}) {
    Files one = compile(pages, selector);
    EXPECT_TRUE(contains(one["index.html"], "data-node-id=\"c\"")) << selector;
    EXPECT_TRUE(contains(one["index.html"], "data-node-id=\"dot\"")) << selector;
    EXPECT_FALSE(contains(one["index.html"], "data-node-id=\"a\"")) << selector;
  }
  json shadowed = json::array({component, frame("f", "Chip", json::array())});
  EXPECT_TRUE(contains(compile(shadowed, "Chip")["index.html"], "data-node-id=\"f\""));
}

TEST(Design2CodeHtml, InstancesExpandWithPrefixedIdsWithinBounds) {
  json component = {{"id", "c"},      {"type", "component"},
                    {"name", "Chip"}, {"width", 10},
                    {"height", 10},   {"children", json::array({rect("dot", "Dot", 2, 2)})}};
  json instance = {
      {"id", "i"}, {"type", "instance"}, {"componentId", "c"}, {"width", 10}, {"height", 10}};
  Files files = compile(json::array({component, frame("p", "Page", json::array({instance}))}));
  EXPECT_TRUE(contains(files["index.html"], "data-node-id=\"Ii;dot\""));

  // Each level instances the next twice: 2^30 elements if expanded blindly.
  json levels = json::array();
  for (int i = 0; i < 30; ++i) {
    json kids = json::array();
    if (i > 0) {
      for (int k = 0; k < 2; ++k) {
        kids.push_back({{"id", "i" + std::to_string(i) + "-" + std::to_string(k)},
                        {"type", "instance"},
                        {"componentId", "c" + std::to_string(i - 1)}});
      }
    }
    levels.push_back({{"id", "c" + std::to_string(i)}, {"type", "component"}, {"children", kids}});
  }
  levels.push_back(frame(
      "p", "Page", json::array({{{"id", "top"}, {"type", "instance"}, {"componentId", "c29"}}})));
  EXPECT_THROW(compile(levels), InvalidDocument);
}

}  // namespace
}  // namespace od::design2code
