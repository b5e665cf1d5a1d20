#include "engines/design2code/framework_project.h"

#include "engines/design2code/element_tree.h"
#include "engines/design2code/framework_markup.h"
#include "engines/design2code/naming.h"

namespace od::design2code {
namespace {

// The versions the generated projects were built and type-checked with (tests/package.json).
constexpr const char* kViteVersion = "^8.3.8";
constexpr const char* kTypeScriptVersion = "^6.0.3";

// A string literal for generated scripts, safe inside a doc comment and a Vue <script> block:
// "<" and "*/" are escaped, so a layer's name or text can end neither.
std::string js_string(const std::string& s) {
  std::string json =
      nlohmann::json(s).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::string out;
  for (char c : json) {
    if (c == '<') {
      out += "\\u003c";
    } else if (c == '/' && !out.empty() && out.back() == '*') {
      out += "\\/";
    } else {
      out += c;
    }
  }
  return out;
}

std::string package_json(const Document& doc, Framework framework) {
  bool react = framework == Framework::kReact;
  nlohmann::ordered_json pkg = {
      {"name", slugify(doc.name, "design")},
      {"private", true},
      {"version", "0.0.0"},
      {"type", "module"},
      {"scripts",
       {{"dev", "vite"},
        {"build", react ? "tsc --noEmit && vite build" : "vue-tsc --noEmit && vite build"},
        {"preview", "vite preview"}}}};
  if (react) {
    pkg["dependencies"] = {{"react", "^19.3.1"}, {"react-dom", "^19.3.1"}};
    pkg["devDependencies"] = {{"@types/react", "^19.3.0"},
                              {"@types/react-dom", "^19.3.0"},
                              {"@vitejs/plugin-react", "^6.3.0"},
                              {"typescript", kTypeScriptVersion},
                              {"vite", kViteVersion}};
  } else {
    pkg["dependencies"] = {{"vue", "^3.5.45"}};
    pkg["devDependencies"] = {{"@vitejs/plugin-vue", "^6.0.11"},
                              {"typescript", kTypeScriptVersion},
                              {"vite", kViteVersion},
                              {"vue-tsc", "^3.3.14"}};
  }
  return pkg.dump(2) + "\n";
}

std::string tsconfig(Framework framework) {
  nlohmann::ordered_json options = {
      {"target", "ES2022"},       {"lib", {"ES2022", "DOM", "DOM.Iterable"}},
      {"module", "ESNext"},       {"moduleResolution", "bundler"},
      {"types", {"vite/client"}}, {"strict", true},
      {"noEmit", true},           {"isolatedModules", true},
      {"skipLibCheck", true}};
  if (framework == Framework::kReact) options["jsx"] = "react-jsx";
  nlohmann::ordered_json config = {{"compilerOptions", options}, {"include", {"src"}}};
  return config.dump(2) + "\n";
}

std::string vite_config(Framework framework) {
  bool react = framework == Framework::kReact;
  std::string plugin = react ? "react" : "vue";
  // A relative base lets dist/ be opened from any directory or path on a server.
  return std::string("import { defineConfig } from 'vite';\n") + "import " + plugin +
         " from '@vitejs/plugin-" + plugin +
         "';\n\nexport default defineConfig({\n  base: './',\n" + "  plugins: [" + plugin +
         "()],\n});\n";
}

std::string index_html(const Document& doc, const ElementTree& tree, Framework framework) {
  std::string title = tree.pages.size() == 1 && !tree.pages[0].node->name.empty()
                          ? tree.pages[0].node->name
                          : doc.name;
  bool react = framework == Framework::kReact;
  return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n  <meta charset=\"utf-8\">\n"
         "  <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
         "  <title>" +
         escape_html(title) + "</title>\n</head>\n<body>\n  <div id=\"" + (react ? "root" : "app") +
         "\"></div>\n  <script type=\"module\" src=\"./src/main." + (react ? "tsx" : "ts") +
         "\"></script>\n</body>\n</html>\n";
}

// Image fills refer to assets/<id> relative to the page in the HTML target. Vite serves assets
// from public/ at the root, and a built style sheet sits in dist/assets/, so the framework
// targets name them from the root ("/assets/<id>", which Vite rewrites relative to the built
// sheet when the file is in public/assets/). <img> sources stay relative to the page.
std::string public_asset_urls(std::string css) {
  const std::string from = "url(\"assets/", to = "url(\"/assets/";
  for (size_t at = css.find(from); at != std::string::npos; at = css.find(from, at + to.size())) {
    css.replace(at, from.size(), to);
  }
  return css;
}

// Pages as the entry lists them: import name, #/<path>, and the title the list shows.
struct PageEntry {
  std::string component, path, title;
};

std::vector<PageEntry> page_entries(const ElementTree& tree, const ComponentPlan& plan) {
  std::vector<PageEntry> pages;
  for (size_t i = 0; i < tree.pages.size(); ++i) {
    const std::string& name = tree.page_names[i];
    const std::string& title = tree.pages[i].node->name;
    pages.push_back({plan.pages[i].name, name, title.empty() ? name : title});
  }
  return pages;
}

// Ids below a shared component's root: "I<nodeId>;<rest>", where a nodeId that is itself a
// sublayer id ("I<a>;<b>") keeps its one "I" (expanded_id in instance_overrides.h).
std::string id_prefix_constant(const std::string& node_id) {
  return "const idPrefix = `${" + node_id + ".startsWith('I') && " + node_id + ".includes(';') ? " +
         node_id + " : `I${" + node_id + "}`};`;";
}

// A shared component's prop declaration and default value (TextProp).
std::string prop_field(const TextProp& t) {
  return "  /** " + std::string(t.flag ? "hides" : "text of") + " the layer " + js_string(t.label) +
         " */\n  " + t.name + (t.flag ? "?: boolean;\n" : "?: string;\n");
}

std::string prop_default(const TextProp& t) { return t.flag ? t.value : js_string(t.value); }

// --- React ------------------------------------------------------------------------------------

std::string react_component(const ComponentSource& c, bool page) {
  std::string out;
  std::string styles_path = "../styles.module.css";
  if (c.uses_styles) out += "import styles from '" + styles_path + "';\n";
  for (const auto& used : c.components)
    out += "import " + used + " from '../components/" + used + "';\n";
  if (!out.empty()) out += "\n";
  if (page) {
    out += "export default function " + c.name + "() {\n";
  } else {
    std::string fields;
    std::vector<std::string> params = {"nodeId", "nodeClass"};
    for (const auto& t : c.text_props) {
      fields += prop_field(t);
      params.push_back(t.name + " = " + prop_default(t));
    }
    out += "type " + c.name +
           "Props = {\n  /** data-node-id of the instance; its elements append their own ids */\n"
           "  nodeId: string;\n  /** class of the instance's root element */\n"
           "  nodeClass: string;\n" +
           fields + "};\n\n";
    // One line when it fits in 100 columns, else one parameter a line (as Prettier would).
    std::string joined;
    for (const auto& p : params) joined += (joined.empty() ? "" : ", ") + p;
    std::string line =
        "export default function " + c.name + "({ " + joined + " }: " + c.name + "Props) {\n";
    if (line.size() > 101) {
      line = "export default function " + c.name + "({\n";
      for (const auto& p : params) line += "  " + p + ",\n";
      line += "}: " + c.name + "Props) {\n";
    }
    out += line;
  }
  if (c.uses_id_prefix) out += "  " + id_prefix_constant("nodeId") + "\n\n";
  out += "  return (\n" + c.markup + "  );\n}\n";
  return out;
}

std::string react_main(const std::vector<PageEntry>& pages) {
  std::string out = "import { StrictMode";
  if (pages.size() > 1) out += ", useEffect, useState";
  out +=
      " } from 'react';\nimport { createRoot } from 'react-dom/client';\n\nimport "
      "'./global.css';\n";
  for (const auto& p : pages)
    out += "import " + p.component + " from './pages/" + p.component + "';\n";
  out += "\n";
  if (pages.size() == 1) {
    out += "function App() {\n  return <" + pages[0].component + " />;\n}\n";
  } else {
    out += "const pages = [\n";
    for (const auto& p : pages) {
      out += "  { path: " + js_string(p.path) + ", title: " + js_string(p.title) +
             ", Page: " + p.component + " },\n";
    }
    out +=
        "];\n\n"
        "// #/<page> shows one page; anything else lists them.\n"
        "function App() {\n"
        "  const [hash, setHash] = useState(window.location.hash);\n"
        "  useEffect(() => {\n"
        "    const update = () => setHash(window.location.hash);\n"
        "    window.addEventListener('hashchange', update);\n"
        "    return () => window.removeEventListener('hashchange', update);\n"
        "  }, []);\n"
        "  const page = pages.find((p) => `#/${p.path}` === hash);\n"
        "  if (page) return <page.Page />;\n"
        "  return (\n"
        "    <nav>\n"
        "      <ul>\n"
        "        {pages.map((p) => (\n"
        "          <li key={p.path}>\n"
        "            <a href={`#/${p.path}`}>{p.title}</a>\n"
        "          </li>\n"
        "        ))}\n"
        "      </ul>\n"
        "    </nav>\n"
        "  );\n"
        "}\n";
  }
  out +=
      "\ncreateRoot(document.getElementById('root')!).render(\n  <StrictMode>\n    <App />\n"
      "  </StrictMode>,\n);\n";
  return out;
}

// --- Vue --------------------------------------------------------------------------------------

std::string vue_component(const ComponentSource& c, bool page) {
  std::string script;
  if (c.uses_styles) script += "import styles from '../styles.module.css';\n";
  for (const auto& used : c.components) {
    script += "import " + used + " from '../components/" + used + ".vue';\n";
  }
  if (!page) {
    if (!script.empty()) script += "\n";
    std::string fields, defaults;
    for (const auto& t : c.text_props) {
      fields += prop_field(t);
      defaults += "  " + t.name + ": " + prop_default(t) + ",\n";
    }
    std::string props =
        "defineProps<{\n  /** data-node-id of the instance; its elements append their own ids */\n"
        "  nodeId: string;\n  /** class of the instance's root element */\n"
        "  nodeClass: string;\n" +
        fields + "}>()";
    std::string declared =
        defaults.empty() ? props : "withDefaults(" + props + ", {\n" + defaults + "})";
    if (c.uses_id_prefix) {
      script += "const props = " + declared + ";\n" + id_prefix_constant("props.nodeId") + "\n";
    } else {
      script += declared + ";\n";
    }
  }
  std::string out;
  if (!script.empty()) out += "<script setup lang=\"ts\">\n" + script + "</script>\n\n";
  out += "<template>\n" + c.markup + "</template>\n";
  return out;
}

std::string vue_main(const std::vector<PageEntry>& pages) {
  std::string out = "import { createApp } from 'vue';\n\nimport './global.css';\n";
  if (pages.size() == 1) {
    out += "import " + pages[0].component + " from './pages/" + pages[0].component +
           ".vue';\n\ncreateApp(" + pages[0].component + ").mount('#app');\n";
  } else {
    out += "import App from './App.vue';\n\ncreateApp(App).mount('#app');\n";
  }
  return out;
}

std::string vue_app(const std::vector<PageEntry>& pages) {
  std::string out = "<script setup lang=\"ts\">\nimport { onBeforeUnmount, ref } from 'vue';\n";
  for (const auto& p : pages) {
    out += "import " + p.component + " from './pages/" + p.component + ".vue';\n";
  }
  out += "\nconst pages = [\n";
  for (const auto& p : pages) {
    out += "  { path: " + js_string(p.path) + ", title: " + js_string(p.title) +
           ", Page: " + p.component + " },\n";
  }
  out +=
      "];\n\n"
      "// #/<page> shows one page; anything else lists them.\n"
      "const hash = ref(window.location.hash);\n"
      "const update = () => (hash.value = window.location.hash);\n"
      "window.addEventListener('hashchange', update);\n"
      "onBeforeUnmount(() => window.removeEventListener('hashchange', update));\n"
      "const current = () => pages.find((p) => `#/${p.path}` === hash.value);\n"
      "</script>\n\n"
      "<template>\n"
      "  <component :is=\"current()!.Page\" v-if=\"current()\" />\n"
      "  <nav v-else>\n"
      "    <ul>\n"
      "      <li v-for=\"p in pages\" :key=\"p.path\">\n"
      "        <a :href=\"`#/${p.path}`\">{{ p.title }}</a>\n"
      "      </li>\n"
      "    </ul>\n"
      "  </nav>\n"
      "</template>\n";
  return out;
}

Files generate(const Document& doc, const GenerateOptions& options, Framework framework) {
  ElementTree tree = build_element_tree(doc, options);
  bool react = framework == Framework::kReact;
  // JSX sits inside `return (` (four spaces); a Vue template's root two spaces in.
  ComponentPlan plan = plan_components(doc, tree, framework, react ? 4 : 2);
  std::vector<PageEntry> pages = page_entries(tree, plan);

  Files files;
  files["package.json"] = package_json(doc, framework);
  files["tsconfig.json"] = tsconfig(framework);
  files["vite.config.ts"] = vite_config(framework);
  files["index.html"] = index_html(doc, tree, framework);
  files["src/global.css"] = tree.base_css;
  files["src/styles.module.css"] = public_asset_urls(tree.class_css);
  std::string ext = react ? ".tsx" : ".vue";
  for (const auto& page : plan.pages) {
    files["src/pages/" + page.name + ext] =
        react ? react_component(page, true) : vue_component(page, true);
  }
  for (const auto& c : plan.components) {
    files["src/components/" + c.name + ext] =
        react ? react_component(c, false) : vue_component(c, false);
  }
  if (react) {
    files["src/main.tsx"] = react_main(pages);
  } else {
    files["src/main.ts"] = vue_main(pages);
    if (pages.size() > 1) files["src/App.vue"] = vue_app(pages);
  }
  return files;
}

}  // namespace

Files generate_react(const Document& doc, const GenerateOptions& options) {
  return generate(doc, options, Framework::kReact);
}

Files generate_vue(const Document& doc, const GenerateOptions& options) {
  return generate(doc, options, Framework::kVue);
}

}  // namespace od::design2code
