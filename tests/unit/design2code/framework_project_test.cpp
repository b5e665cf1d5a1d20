// React and Vue targets: a Vite project skeleton, one component per page and per shared design
// component (variants when instances differ), data-node-id on every element (computed from the
// nodeId prop inside shared components), names from layers, and hostile text kept inert (the parser
// already limits ids to [A-Za-z0-9:;_.-]).
#include "engines/design2code/framework_project.h"

#include <gtest/gtest.h>

#include "engines/design2code/framework_markup.h"

namespace od::design2code {
namespace {

using nlohmann::json;

json rect(const std::string& id, const std::string& name, double w = 10, double h = 10) {
  return {{"id", id},     {"type", "rectangle"},
          {"name", name}, {"width", w},
          {"height", h},  {"fills", {{{"type", "solid"}, {"color", "#ff0000"}}}}};
}

json text(const std::string& id, const std::string& chars) {
  return {{"id", id},     {"type", "text"}, {"name", "Label"},
          {"width", 100}, {"height", 20},   {"text", {{"characters", chars}}}};
}

json frame(const std::string& id, const std::string& name, json children) {
  return {{"id", id},     {"type", "frame"}, {"name", name},
          {"width", 400}, {"height", 300},   {"children", std::move(children)}};
}

json instance(const std::string& id, const std::string& component, double x = 0) {
  return {{"id", id}, {"type", "instance"}, {"componentId", component},
          {"x", x},   {"width", 60},        {"height", 20}};
}

json card_component(const std::string& id, const std::string& name) {
  return {{"id", id},
          {"type", "component"},
          {"name", name},
          {"width", 60},
          {"height", 20},
          {"children", json::array({text(id == "c" ? "label" : id + "-label", "Buy"),
                                    rect(id == "c" ? "dot" : id + "-dot", "Dot", 4, 4)})}};
}

Document doc_of(json children) {
  return parse_document(json{{"version", 1}, {"name", "My Shop"}, {"children", children}});
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

size_t occurrences(const std::string& haystack, const std::string& needle) {
  size_t count = 0;
  for (size_t at = haystack.find(needle); at != std::string::npos;
       at = haystack.find(needle, at + 1)) {
    ++count;
  }
  return count;
}

TEST(Design2CodeFrameworks, ReactProjectSkeletonIsDeterministic) {
  json children = json::array(
      {card_component("c", "Card"), frame("p", "Home page", json::array({instance("i1", "c")}))});
  Document doc = doc_of(children);
  Files files = generate_react(doc);
  EXPECT_EQ(files, generate_react(doc));
  std::vector<std::string> names;
  for (const auto& [name, content] : files) names.push_back(name);
  EXPECT_EQ(names, (std::vector<std::string>{
                       "index.html", "package.json", "src/components/Card.tsx", "src/global.css",
                       "src/main.tsx", "src/pages/HomePagePage.tsx", "src/styles.module.css",
                       "tsconfig.json", "vite.config.ts"}));
  json pkg = json::parse(files["package.json"]);
  EXPECT_EQ(pkg["name"], "my-shop");
  EXPECT_EQ(pkg["scripts"]["build"], "tsc --noEmit && vite build");
  EXPECT_TRUE(pkg["dependencies"].contains("react"));
  EXPECT_EQ(json::parse(files["tsconfig.json"])["compilerOptions"]["jsx"], "react-jsx");
  EXPECT_TRUE(contains(files["index.html"], "<script type=\"module\" src=\"./src/main.tsx\">"));
  // Reset and tokens are global; element classes live in the CSS module.
  EXPECT_TRUE(contains(files["src/global.css"], "box-sizing: border-box"));
  EXPECT_TRUE(contains(files["src/styles.module.css"], ".home-page {"));
  EXPECT_FALSE(contains(files["src/styles.module.css"], "box-sizing"));
  EXPECT_TRUE(contains(files["src/main.tsx"], "return <HomePagePage />;"));
}

TEST(Design2CodeFrameworks, InstancesShareOneComponentWithComputedIds) {
  json children = json::array(
      {card_component("c", "Card"),
       frame("p", "Home", json::array({instance("i1", "c"), instance("i2", "c", 100)}))});
  Files react = generate_react(doc_of(children));
  const std::string& page = react["src/pages/HomePage.tsx"];
  EXPECT_TRUE(contains(page, "import Card from '../components/Card';"));
  EXPECT_TRUE(contains(page, "<Card nodeId=\"i1\" nodeClass={styles[\"card\"]} />"));
  EXPECT_TRUE(contains(page, "<Card nodeId=\"i2\" nodeClass={styles[\"card-2\"]} />"));
  const std::string& card = react["src/components/Card.tsx"];
  EXPECT_TRUE(contains(card,
                       "export default function Card({ nodeId, nodeClass, labelText = \"Buy\" }: "
                       "CardProps)"));
  EXPECT_TRUE(contains(card, "  /** text of the layer \"Label\" */\n  labelText?: string;\n"));
  EXPECT_TRUE(contains(card, "<div className={nodeClass} data-node-id={nodeId}>"));
  // Ids below the root are "I<nodeId>;<child>", as Figma names instance sublayers.
  EXPECT_TRUE(contains(card,
                       "const idPrefix = `${nodeId.startsWith('I') && nodeId.includes(';') ? "
                       "nodeId : `I${nodeId}`};`;"));
  EXPECT_TRUE(contains(card, "data-node-id={idPrefix + \"label\"}>{labelText}</p>"));
  EXPECT_TRUE(contains(card, "data-node-id={idPrefix + \"dot\"} />"));

  Files vue = generate_vue(doc_of(children));
  const std::string& vue_page = vue["src/pages/HomePage.vue"];
  EXPECT_TRUE(contains(vue_page, "import Card from '../components/Card.vue';"));
  EXPECT_TRUE(contains(vue_page, "<Card node-id=\"i1\" :node-class=\"styles['card']\" />"));
  const std::string& vue_card = vue["src/components/Card.vue"];
  EXPECT_TRUE(contains(vue_card, "withDefaults(defineProps<{"));
  EXPECT_TRUE(contains(vue_card, "}>(), {\n  labelText: \"Buy\",\n});"));
  EXPECT_TRUE(contains(vue_card, "const props = withDefaults(defineProps<{"));
  EXPECT_TRUE(contains(vue_card, "const idPrefix = `${props.nodeId.startsWith('I')"));
  EXPECT_TRUE(contains(vue_card, "<div :class=\"nodeClass\" :data-node-id=\"nodeId\">"));
  EXPECT_TRUE(contains(vue_card, ":data-node-id=\"idPrefix + 'label'\" v-text=\"labelText\"></p>"));
}

// The document model has no per-instance text yet (an importer may add it): the test changes the
// second instance's expanded text in the element tree, as such an override would.
TEST(Design2CodeFrameworks, InstancesThatChangeOnlyTextsPassThemAsProps) {
  json children = json::array(
      {card_component("c", "Card"),
       frame("p", "Home", json::array({instance("i1", "c"), instance("i2", "c", 100)}))});
  Document doc = doc_of(children);
  ElementTree tree = build_element_tree(doc, {});
  ASSERT_EQ(tree.expanded.size(), 2u);
  tree.expanded[1].children[0].characters = "Buy </script> */ now";
  for (Framework framework : {Framework::kReact, Framework::kVue}) {
    ComponentPlan plan = plan_components(doc, tree, framework, 4);
    ASSERT_EQ(plan.components.size(), 1u);
    ASSERT_EQ(plan.components[0].text_props.size(), 1u);
    EXPECT_EQ(plan.components[0].text_props[0].value, "Buy");
    const std::string& page = plan.pages[0].markup;
    if (framework == Framework::kReact) {
      EXPECT_TRUE(contains(page, "<Card nodeId=\"i1\" nodeClass={styles[\"card\"]} />"));
      EXPECT_TRUE(
          contains(page, "nodeClass={styles[\"card-2\"]} labelText={\"Buy </script> */ now\"} />"));
    } else {
      EXPECT_TRUE(contains(page, ":labelText=\"'Buy \\x3c/script\\x3e */ now'\" />"));
    }
  }
  // Texts that would end a Vue <script> block or a doc comment are escaped there.
  json evil = card_component("c", "Card");
  evil["children"][0]["name"] = "a */ b";
  evil["children"][0]["text"]["characters"] = "</script>";
  Files vue = generate_vue(
      doc_of(json::array({evil, frame("p", "Home", json::array({instance("i1", "c")}))})));
  const std::string& card = vue["src/components/Card.vue"];
  EXPECT_TRUE(contains(card, "/** text of the layer \"a *\\/ b\" */"));
  EXPECT_TRUE(contains(card, "aBText: \"\\u003c/script>\","));
  EXPECT_EQ(occurrences(card, "</script>"), 1u);
}

TEST(Design2CodeFrameworks, InstancesThatRenderDifferentlyGetVariants) {
  // The second instance lays its children out in a row: other child styles, another variant.
  json row = instance("i2", "c", 100);
  row["layout"] = {{"direction", "row"}};
  json children = json::array(
      {card_component("c", "Card"), frame("p", "Home", json::array({instance("i1", "c"), row}))});
  Files files = generate_react(doc_of(children));
  EXPECT_TRUE(files.count("src/components/Card.tsx"));
  EXPECT_TRUE(files.count("src/components/Card2.tsx"));
  EXPECT_TRUE(contains(files["src/pages/HomePage.tsx"], "<Card2 nodeId=\"i2\""));
}

TEST(Design2CodeFrameworks, NamesComeFromLayersAndAvoidReservedOnes) {
  json children = json::array(
      {card_component("c1", "App"), card_component("c2", "Transition"),
       card_component("c3", "3d card"),
       frame("p", "Home",
             json::array({instance("i1", "c1"), instance("i2", "c2"), instance("i3", "c3")}))});
  Files files = generate_vue(doc_of(children));
  EXPECT_TRUE(files.count("src/components/App2.vue"));
  EXPECT_TRUE(files.count("src/components/Transition2.vue"));
  EXPECT_TRUE(files.count("src/components/Component3dCard.vue"));
  EXPECT_EQ(pascal_case("hero-title-2"), "HeroTitle2");
}

TEST(Design2CodeFrameworks, HostileTextStaysInert) {
  std::string evil = "{x}</p><script>alert('\"&\\')</script>";
  json t = text("t1", evil);
  json link = rect("l", "Go", 10, 10);
  link["type"] = "frame";
  link["link"] = "https://e.com/?a=1&b=2";
  Document doc = doc_of(json::array({frame("p", "Home", json::array({t, link}))}));
  const std::string react = generate_react(doc)["src/pages/HomePage.tsx"];
  EXPECT_TRUE(contains(react, "{\"{x}</p><script>alert('\\\"&\\\\')</script>\"}"));
  EXPECT_TRUE(contains(react, "href={\"https://e.com/?a=1&b=2\"}"));
  const std::string vue = generate_vue(doc)["src/pages/HomePage.vue"];
  // Inside a double-quoted attribute: no raw quote, ampersand or angle bracket.
  EXPECT_TRUE(contains(vue, ":href=\"'https://e.com/?a=1\\x26b=2'\""));
  EXPECT_TRUE(contains(
      vue,
      "v-text=\"'{x}\\x3c/p\\x3e\\x3cscript\\x3ealert(\\'\\x22\\x26\\\\\\')\\x3c/script\\x3e'\""));
  EXPECT_EQ(occurrences(vue, "<script"), 1u);  // only the component's own script block
}

TEST(Design2CodeFrameworks, ImageFillsNamePublicAssetsFromTheRoot) {
  json r = rect("r", "Photo", 10, 10);
  r["fills"] = {{{"type", "image"}, {"assetId", "a1"}}};
  Document doc = doc_of(json::array({frame("p", "Home", json::array({r}))}));
  EXPECT_TRUE(contains(generate_html(doc)["styles.css"], "url(\"assets/a1\")"));
  EXPECT_TRUE(contains(generate_react(doc)["src/styles.module.css"], "url(\"/assets/a1\")"));
  EXPECT_TRUE(contains(generate_vue(doc)["src/styles.module.css"], "url(\"/assets/a1\")"));
}

TEST(Design2CodeFrameworks, SeveralPagesGetANavigatingApp) {
  json pages = json::array(
      {frame("a", "Home", json::array({rect("r", "Box")})), frame("b", "About", json::array())});
  Files react = generate_react(doc_of(pages));
  EXPECT_TRUE(
      contains(react["src/main.tsx"], "{ path: \"home\", title: \"Home\", Page: HomePage },"));
  EXPECT_TRUE(contains(react["src/main.tsx"], "window.addEventListener('hashchange', update);"));
  Files vue = generate_vue(doc_of(pages));
  EXPECT_TRUE(vue.count("src/App.vue"));
  EXPECT_TRUE(contains(vue["src/main.ts"], "createApp(App).mount('#app');"));
  GenerateOptions one;
  one.frame = "About";
  Files single = generate_vue(doc_of(pages), one);
  EXPECT_FALSE(single.count("src/App.vue"));
  EXPECT_TRUE(contains(single["src/main.ts"], "createApp(AboutPage).mount('#app');"));
}

}  // namespace
}  // namespace od::design2code
