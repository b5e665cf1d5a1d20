#include "engines/design2code/framework_markup.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "engines/design2code/css.h"
#include "engines/design2code/instance_overrides.h"
#include "engines/design2code/naming.h"

namespace od::design2code {
namespace {

// A JSON string is a valid JavaScript string literal; invalid UTF-8 cannot reach here (the
// document parser rejects it) but is replaced rather than thrown on, to be safe.
std::string js_double(const std::string& s) {
  return nlohmann::json(s).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// A single-quoted JavaScript literal that can sit inside a double-quoted HTML attribute of a Vue
// template: quotes, ampersands and angle brackets are escaped the JavaScript way, so the
// template parser has no entity or quote to interpret.
std::string js_single(const std::string& s) {
  std::string inner = js_double(s);
  inner = inner.substr(1, inner.size() - 2);
  std::string out = "'";
  for (size_t i = 0; i < inner.size(); ++i) {
    char c = inner[i];
    if (c == '\\' && i + 1 < inner.size() && inner[i + 1] == '"') {
      out += "\\x22";
      ++i;
    } else if (c == '\\') {
      out += c;
      out += inner[++i];  // an escape JSON wrote: keep it whole
    } else if (c == '\'') {
      out += "\\'";
    } else if (c == '&') {
      out += "\\x26";
    } else if (c == '<') {
      out += "\\x3c";
    } else if (c == '>') {
      out += "\\x3e";
    } else {
      out += c;
    }
  }
  return out + "'";
}

// Ids of this shape are written as plain attribute values; anything else as an expression.
bool plain_attribute(const std::string& s) {
  for (unsigned char c : s) {
    if (!std::isalnum(c) && c != ':' && c != ';' && c != '-' && c != '_' && c != '.') return false;
  }
  return true;
}

class Planner {
 public:
  Planner(const Document& doc, Framework framework, int indent)
      : doc_(doc), framework_(framework), indent_(indent) {
    // Names the generated entry files and the frameworks already use.
    for (const char* taken : {"App", "StrictMode", "Component", "Transition", "TransitionGroup",
                              "KeepAlive", "Teleport", "Suspense", "Fragment"}) {
      names_.insert(taken);
    }
  }

  ComponentPlan run(const ElementTree& tree) {
    for (const auto& page : tree.pages) find_toggled(page);
    ComponentPlan plan;
    for (size_t i = 0; i < tree.pages.size(); ++i) {
      ComponentSource page;
      page.page = true;
      page.name = unique_name(pascal_case(tree.page_names[i]) + "Page");
      Context ctx{nullptr, &page};
      write(tree.pages[i], indent_, ctx, page.markup);
      plan.pages.push_back(std::move(page));
    }
    plan.components = std::move(components_);
    return plan;
  }

 private:
  // While writing a shared component: the instance element it was made from (ids below it are
  // written relative to the nodeId prop) and the source being written.
  struct Context {
    const Element* instance;
    ComponentSource* source;
    std::set<std::string> prop_slugs = {};  // text props named so far
  };

  // `base`, else base2, base3, ...: identifiers cannot take the hyphen NameRegistry adds.
  std::string unique_name(const std::string& base) {
    std::string name = base;
    for (int i = 2; !names_.insert(name).second; ++i) name = base + std::to_string(i);
    return name;
  }

  bool react() const { return framework_ == Framework::kReact; }

  // An attribute whose value is a JavaScript expression.
  std::string bound(const std::string& name, const std::string& expression) const {
    return react() ? name + "={" + expression + "}" : ":" + name + "=\"" + expression + "\"";
  }
  std::string literal(const std::string& s) const { return react() ? js_double(s) : js_single(s); }
  // An attribute with a constant string value.
  std::string constant(const std::string& name, const std::string& value) const {
    if (plain_attribute(value)) return name + "=\"" + value + "\"";
    return bound(name, literal(value));
  }

  std::string class_attribute(const std::string& cls, Context& ctx) const {
    ctx.source->uses_styles = true;
    std::string expr = "styles[" + literal(cls) + "]";
    return bound(react() ? "className" : "class", expr);
  }

  // Inside a shared component, ids below its instance are "I<nodeId>;<rest>" (expanded_id): the
  // component's idPrefix constant, computed from the nodeId prop, plus their rest.
  std::string relative_id(const std::string& id, Context& ctx) const {
    if (!ctx.instance) return "";
    const std::string prefix = expanded_id(ctx.instance->id, "");
    if (id.size() <= prefix.size() || id.compare(0, prefix.size(), prefix) != 0) return "";
    ctx.source->uses_id_prefix = true;
    return "idPrefix + " + literal(id.substr(prefix.size()));
  }

  std::string id_attribute(const std::string& id, Context& ctx) const {
    std::string relative = relative_id(id, ctx);
    return relative.empty() ? constant("data-node-id", id) : bound("data-node-id", relative);
  }

  std::string text_content(const std::string& text) const {
    return react() ? "{" + js_double(text) + "}" : "";
  }
  // Vue sets text through v-text so the template's whitespace handling cannot touch it.
  std::string text_attribute(const std::string& text) const {
    return react() ? "" : " v-text=\"" + js_single(text) + "\"";
  }

  // Layers of a component that some of its instances show and others hide (by component id, then
  // id relative to the instance): bit 1 = seen hidden, bit 2 = seen shown.
  void find_toggled(const Element& e) {
    if (e.expanded_instance) {
      const std::string prefix = expanded_id(e.id, "");
      auto& seen = visibility_[e.node->component_id];
      for (const auto& c : e.children) note_visibility(c, prefix, seen);
    }
    for (const auto& c : e.children) find_toggled(c);
  }

  void note_visibility(const Element& e, const std::string& prefix,
                       std::map<std::string, int>& seen) {
    if (e.id.compare(0, prefix.size(), prefix) == 0) {
      seen[e.id.substr(prefix.size())] |= e.hidden_attribute ? 1 : 2;
    }
    if (e.expanded_instance) return;  // drawn by its own shared component
    for (const auto& c : e.children) note_visibility(c, prefix, seen);
  }

  // ` hidden`, a bound prop for a layer whose visibility the instances vary, or nothing.
  std::string hidden_attribute(const Element& e, Context& ctx) {
    if (ctx.instance && ctx.instance != &e) {
      const std::string prefix = expanded_id(ctx.instance->id, "");
      auto component = visibility_.find(ctx.instance->node->component_id);
      if (component != visibility_.end() && e.id.compare(0, prefix.size(), prefix) == 0) {
        auto it = component->second.find(e.id.substr(prefix.size()));
        if (it != component->second.end() && it->second == 3) {
          std::string name = prop_name(e.node->name, "hidden", ctx);
          ctx.source->text_props.push_back(
              {name, e.node->name, e.hidden_attribute ? "true" : "false", true});
          return " " + bound("hidden", name);
        }
      }
    }
    return e.hidden_attribute ? " hidden" : "";
  }

  void write(const Element& e, int depth, Context& ctx, std::string& out) {
    if (e.expanded_instance && ctx.instance != &e) {
      write_use(e, depth, ctx, out);
      return;
    }
    const Node& n = *e.node;
    std::string indent(depth, ' ');
    std::string open = "<" + e.tag + " ";
    if (ctx.instance == &e) {
      open += bound(react() ? "className" : "class", "nodeClass") + " " +
              bound("data-node-id", "nodeId");
    } else {
      open += class_attribute(e.cls, ctx) + " " + id_attribute(e.id, ctx);
    }
    open += hidden_attribute(e, ctx);
    if (e.tag == "a") open += " " + constant("href", n.link);
    if (e.tag == "button") open += " type=\"button\"";
    if (e.tag == "img") {
      out += indent + open + " " + constant("src", "assets/" + n.asset_id) + " " +
             constant("alt", n.name) + " />\n";
      return;
    }
    if (e.tag == "svg") {
      out += indent + open + " viewBox=\"0 0 " + css::number(n.width) + " " +
             css::number(n.height) + "\" preserveAspectRatio=\"none\" aria-hidden=\"true\">" +
             "<path " + constant("d", n.vector_path) + " /></svg>\n";
      return;
    }
    if (n.type == NodeType::kText) {
      if (n.runs.empty() && ctx.instance && ctx.instance != &e) {
        std::string prop = text_prop(n, ctx);
        out += indent + open + (react() ? ">{" + prop + "}" : " v-text=\"" + prop + "\">") + "</" +
               e.tag + ">\n";
        return;
      }
      if (n.runs.empty()) {
        out += indent + open + text_attribute(n.characters) + ">" + text_content(n.characters) +
               "</" + e.tag + ">\n";
        return;
      }
      out += indent + open + ">\n";
      for (size_t i = 0; i < n.runs.size(); ++i) {
        std::string run = std::to_string(i + 1);
        const std::string& text = n.runs[i].text;
        out += indent + "  <span " + class_attribute(e.cls + "-run-" + run, ctx) + " " +
               (ctx.instance == &e ? bound("data-node-id", "nodeId") : id_attribute(e.id, ctx)) +
               " data-run=\"" + run + "\"" + text_attribute(text) + ">" + text_content(text) +
               "</span>\n";
      }
      out += indent + "</" + e.tag + ">\n";
      return;
    }
    if (e.children.empty()) {
      out += indent + open + (react() ? " />\n" : "></" + e.tag + ">\n");
      return;
    }
    out += indent + open + ">\n";
    for (const auto& c : e.children) write(c, depth + 2, ctx, out);
    out += indent + "</" + e.tag + ">\n";
  }

  // A text inside a shared component: a prop named after its layer ("Title" -> titleText).
  std::string text_prop(const Node& n, Context& ctx) const {
    std::string name = prop_name(n.name, "text", ctx);
    ctx.source->text_props.push_back({name, n.name, n.characters});
    return name;
  }

  // "<layer>-<kind>" in camelCase, unique among the component's props.
  static std::string prop_name(const std::string& layer, const std::string& kind, Context& ctx) {
    std::string base = slugify(layer, kind) + "-" + kind, slug = base;
    for (int i = 2; !ctx.prop_slugs.insert(slug).second; ++i) slug = base + "-" + std::to_string(i);
    std::string name = pascal_case(slug);
    name[0] = static_cast<char>(name[0] - 'A' + 'a');  // slugs start with a letter
    return name;
  }

  // An expanded instance: a use of the shared component its tree prints as.
  void write_use(const Element& e, int depth, Context& ctx, std::string& out) {
    auto [name, texts] = shared_component(e);
    auto& used = ctx.source->components;
    if (std::find(used.begin(), used.end(), name) == used.end()) used.push_back(name);
    const char* id_prop = react() ? "nodeId" : "node-id";
    std::string relative = relative_id(e.id, ctx);
    std::string id = relative.empty() ? constant(id_prop, e.id) : bound(id_prop, relative);
    ctx.source->uses_styles = true;
    std::string cls_expr = "styles[" + literal(e.cls) + "]";
    out += std::string(depth, ' ') + "<" + name + " " + id + " " +
           bound(react() ? "nodeClass" : "node-class", cls_expr) + texts + " />\n";
  }

  // The component (found or made) that instance `e` uses, and the text props it must pass: those
  // whose text differs from the component's defaults.
  std::pair<std::string, std::string> shared_component(const Element& e) {
    ComponentSource source;
    Context ctx{&e, &source};
    write(e, indent_, ctx, source.markup);
    std::string key = e.node->component_id + "\n" + source.markup;
    auto it = variants_.find(key);
    if (it != variants_.end()) {
      // Same markup, so the same props in the same order.
      const ComponentSource& found = components_[it->second];
      std::string texts;
      for (size_t i = 0; i < source.text_props.size(); ++i) {
        const TextProp& mine = source.text_props[i];
        if (mine.value != found.text_props[i].value) {
          texts += " " + bound(mine.name, mine.flag ? mine.value : literal(mine.value));
        }
      }
      return {found.name, texts};
    }
    auto component = doc_.components.find(e.node->component_id);
    std::string base = component != doc_.components.end() ? component->second->name : e.node->name;
    source.name = unique_name(pascal_case(slugify(base, "component")));
    variants_.emplace(key, components_.size());
    components_.push_back(std::move(source));
    return {components_.back().name, ""};
  }

  const Document& doc_;
  Framework framework_;
  int indent_;
  std::set<std::string> names_;
  std::vector<ComponentSource> components_;
  std::map<std::string, size_t> variants_;  // component id + markup -> index in components_
  std::map<std::string, std::map<std::string, int>> visibility_;  // find_toggled
};

}  // namespace

std::string pascal_case(const std::string& slug) {
  std::string out;
  bool upper = true;
  for (char c : slug) {
    if (c == '-') {
      upper = true;
    } else {
      out += upper && c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
      upper = false;
    }
  }
  return out;
}

ComponentPlan plan_components(const Document& doc, const ElementTree& tree, Framework framework,
                              int indent) {
  return Planner(doc, framework, indent).run(tree);
}

}  // namespace od::design2code
