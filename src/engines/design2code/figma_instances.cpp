#include "engines/design2code/figma_instances.h"

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "engines/design2code/instance_overrides.h"

namespace od::design2code {
namespace {

using nlohmann::json;

// One instance that can be drawn from its component: the overrides that make it so.
struct Candidate {
  json* node;
  json overrides = json::object();
};

// Why an instance cannot become overrides of its component (empty: it can).
using Reason = std::string;

const json kNull;

const json& field(const json& node, const char* key) {
  auto it = node.find(key);
  return it == node.end() ? kNull : *it;
}

// The override (into `out`) that turns component node `comp` into instance node `inst`, or why
// there is none. Geometry and paint compare as the importer wrote them (rounded).
Reason diff_node(const json& inst, const json& comp, json& out) {
  json ov = json::object();
  std::set<std::string> keys;
  for (auto it = inst.begin(); it != inst.end(); ++it) keys.insert(it.key());
  for (auto it = comp.begin(); it != comp.end(); ++it) keys.insert(it.key());
  for (const auto& k : keys) {
    // Ids are mapped by the caller; figma metadata is provenance, not drawing.
    if (k == "id" || k == "children" || k == "figma") continue;
    const json& a = field(inst, k.c_str());
    const json& b = field(comp, k.c_str());
    if (a == b) continue;
    if (k == "visible") {
      ov[k] = a.is_boolean() ? a.get<bool>() : true;
    } else if (k == "opacity") {
      ov[k] = a.is_number() ? a.get<double>() : 1.0;
    } else if (k == "x" || k == "y" || k == "width" || k == "height") {
      ov[k] = a.is_number() ? a.get<double>() : 0.0;
    } else if (k == "fills" && field(inst, "type") != "text") {
      ov[k] = a.is_array() ? a : json::array();
    } else if (k == "text") {
      json style_a = field(a, "style").is_object() ? field(a, "style") : json::object();
      json style_b = field(b, "style").is_object() ? field(b, "style") : json::object();
      json color = style_a.contains("color") ? style_a["color"] : json();
      style_a.erase("color");
      style_b.erase("color");
      if (style_a != style_b) return "text style of " + inst.value("id", "");
      if (color != field(field(b, "style"), "color")) {
        // The colour is the text's fill; a text without one cannot be said as an override.
        if (color.is_null()) return "text colour of " + inst.value("id", "");
        ov["fills"] = json::array({{{"type", "solid"}, {"color", color}}});
      }
      const json& runs = field(a, "runs");
      if (runs != field(b, "runs") && !runs.is_null())
        return "text runs of " + inst.value("id", "");
      // A characters override also drops the component's runs, which a plain text needs.
      if (field(a, "characters") != field(b, "characters") || runs != field(b, "runs")) {
        ov["characters"] = field(a, "characters");
      }
    } else {
      return k + " of " + inst.value("id", "");
    }
  }
  if (!ov.empty()) out = std::move(ov);
  return "";
}

// Walks an instance's resolved children beside its component's, pairing Figma's
// "I<instance>;<rest>" with the component's node: "<rest>", or "I<rest>" when it lies inside a
// nested instance (which Figma names that way within the component). Overrides are keyed by
// `rest`, the form instance overrides use to reach through nested instances.
Reason diff_children(const json& inst, const json& comp, const std::string& prefix,
                     json& overrides) {
  const json& a = field(inst, "children");
  const json& b = field(comp, "children");
  size_t na = a.is_array() ? a.size() : 0, nb = b.is_array() ? b.size() : 0;
  if (na != nb) return "children of " + inst.value("id", "");
  for (size_t i = 0; i < na; ++i) {
    std::string id = a[i].value("id", "");
    if (id.compare(0, prefix.size(), prefix) != 0) return "id " + id;
    std::string rest = id.substr(prefix.size());
    std::string comp_id = rest.find(';') == std::string::npos ? rest : "I" + rest;
    if (b[i].value("id", "") != comp_id) return "children of " + inst.value("id", "");
    json ov;
    if (Reason why = diff_node(a[i], b[i], ov); !why.empty()) return why;
    if (!ov.is_null()) overrides[rest] = std::move(ov);
    if (Reason why = diff_children(a[i], b[i], prefix, overrides); !why.empty()) return why;
  }
  return "";
}

// What the instance takes from its component when it lacks it (the engine's expansion): the
// instance must then lack it as the component does.
Reason diff_root(const json& inst, const json& comp) {
  for (const char* k : {"fills", "strokes", "cornerRadius", "effects", "layout"}) {
    if (!inst.contains(k) && comp.contains(k)) return std::string(k) + " of the instance";
  }
  if (!inst.value("clipContent", false) && comp.value("clipContent", false)) {
    return "clipContent of the instance";
  }
  return "";
}

class Collapser {
 public:
  void run(json& children) {
    index(children);
    std::vector<Candidate> candidates;
    for (json* node : preorder_) {
      if (field(*node, "type") != "instance" || !node->contains("children")) continue;
      auto component = by_id_.find(node->value("componentId", ""));
      if (component == by_id_.end() || field(*component->second, "type") != "component") continue;
      Candidate c{node};
      std::string prefix = expanded_id(node->value("id", ""), "");
      Reason why = diff_root(*node, *component->second);
      if (why.empty()) why = diff_children(*node, *component->second, prefix, c.overrides);
      if (!why.empty()) {
        (*node)["figma"]["resolvedBecause"] = why;
        continue;
      }
      candidates.push_back(std::move(c));
    }
    // An override reaching "<a>;<b>" needs <a> drawn from its component too: drop candidates
    // whose keys pass through an instance that keeps its resolved children, then those whose
    // keys pass through a dropped one (a worklist, linear in the keys' segments).
    std::set<std::string> collapsing;
    for (const auto& c : candidates) collapsing.insert(c.node->value("id", ""));
    std::map<std::string, std::vector<size_t>> dependents;  // nested instance id -> candidates
    std::vector<std::string> dropped;
    for (size_t i = 0; i < candidates.size(); ++i) {
      for (auto it = candidates[i].overrides.begin(); it != candidates[i].overrides.end(); ++it) {
        for (const auto& segment : nested_instances(it.key())) {
          dependents[segment].push_back(i);
          if (!collapsing.count(segment)) drop(candidates[i], segment, collapsing, dropped);
        }
      }
    }
    while (!dropped.empty()) {
      std::string id = std::move(dropped.back());
      dropped.pop_back();
      for (size_t i : dependents[id]) drop(candidates[i], id, collapsing, dropped);
    }
    // Descendants before ancestors (reverse preorder), so no node is changed after its
    // ancestor dropped it.
    for (auto it = candidates.rbegin(); it != candidates.rend(); ++it) {
      if (!collapsing.count(it->node->value("id", ""))) continue;
      it->node->erase("children");
      if (!it->overrides.empty()) (*it->node)["overrides"] = std::move(it->overrides);
    }
  }

 private:
  void index(json& children) {
    std::vector<json*> stack;
    for (auto it = children.rbegin(); it != children.rend(); ++it) stack.push_back(&*it);
    while (!stack.empty()) {
      json* n = stack.back();
      stack.pop_back();
      if (!n->is_object()) continue;
      preorder_.push_back(n);
      by_id_.emplace(n->value("id", ""), n);
      auto kids = n->find("children");
      if (kids == n->end() || !kids->is_array()) continue;
      for (auto it = kids->rbegin(); it != kids->rend(); ++it) stack.push_back(&*it);
    }
  }

  // The nested instances an override key passes through ("<a>;<b>;<c>": a, then b).
  static std::vector<std::string> nested_instances(const std::string& key) {
    std::vector<std::string> out;
    size_t start = 0;
    for (size_t cut = key.find(';'); cut != std::string::npos; cut = key.find(';', start)) {
      out.push_back(key.substr(start, cut - start));
      start = cut + 1;
    }
    return out;
  }

  // Keeps `c`'s resolved children because its overrides pass through `through`.
  static void drop(Candidate& c, const std::string& through, std::set<std::string>& collapsing,
                   std::vector<std::string>& dropped) {
    std::string id = c.node->value("id", "");
    if (!collapsing.erase(id)) return;
    (*c.node)["figma"]["resolvedBecause"] = "override through " + through;
    dropped.push_back(std::move(id));
  }

  std::vector<json*> preorder_;
  std::map<std::string, json*> by_id_;
};

}  // namespace

void collapse_figma_instances(json& children) { Collapser().run(children); }

}  // namespace od::design2code
