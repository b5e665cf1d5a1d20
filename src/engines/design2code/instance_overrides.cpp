#include "engines/design2code/instance_overrides.h"

namespace od::design2code {
namespace {

// Ids of a subtree (the nodes drawn by a component: its descendants, not those of the
// components its instances show), by id.
template <typename Nodes, typename Ptr>
void index_subtree(Nodes& nodes, std::map<std::string, Ptr>& out) {
  // Explicit stack: components may nest up to the document's depth limit.
  std::vector<Ptr> stack;
  for (auto& n : nodes) stack.push_back(&n);
  while (!stack.empty()) {
    Ptr n = stack.back();
    stack.pop_back();
    out.emplace(n->id, n);
    for (auto& c : n->children) stack.push_back(&c);
  }
}

// Outer values win; fields the outer override leaves unset keep the inner one's.
void merge_into(InstanceOverride& inner, const InstanceOverride& outer) {
  if (outer.visible) inner.visible = outer.visible;
  if (outer.characters) inner.characters = outer.characters;
  if (outer.fills) inner.fills = outer.fills;
  if (outer.opacity) inner.opacity = outer.opacity;
  if (outer.x) inner.x = outer.x;
  if (outer.y) inner.y = outer.y;
  if (outer.width) inner.width = outer.width;
  if (outer.height) inner.height = outer.height;
}

void apply(Node& n, const InstanceOverride& o) {
  if (o.visible) n.visible = *o.visible;
  if (o.opacity) n.opacity = *o.opacity;
  if (o.x) n.x = *o.x;
  if (o.y) n.y = *o.y;
  if (o.width) n.width = *o.width;
  if (o.height) n.height = *o.height;
  if (o.characters) {
    n.characters = *o.characters;
    n.runs.clear();  // the new text takes the node's own style
  }
  if (o.fills) {
    n.fills = *o.fills;
    // A text's colour comes from its style before its fills; an overridden fill must show.
    if (n.type == NodeType::kText) n.text_style.color.reset();
  }
}

}  // namespace

bool is_sublayer_id(const std::string& id) {
  return id.size() > 1 && id[0] == 'I' && id.find(';') != std::string::npos;
}

std::string expanded_id(const std::string& instance_id, const std::string& node_id) {
  auto core = [](const std::string& id) {
    return is_sublayer_id(id) ? std::string_view(id).substr(1) : std::string_view(id);
  };
  std::string out = "I";
  out += core(instance_id);
  out += ';';
  out += core(node_id);
  return out;
}

void validate_instance_overrides(const Document& doc, Issues& issues) {
  std::map<const Node*, std::map<std::string, const Node*>> indexes;
  auto index_of = [&](const Node* component) -> const std::map<std::string, const Node*>& {
    auto it = indexes.find(component);
    if (it != indexes.end()) return it->second;
    auto& index = indexes[component];
    index_subtree(component->children, index);
    return index;
  };
  std::vector<const Node*> stack;
  for (const auto& n : doc.children) stack.push_back(&n);
  while (!stack.empty()) {
    const Node* n = stack.back();
    stack.pop_back();
    for (const auto& c : n->children) stack.push_back(&c);
    if (n->type != NodeType::kInstance || n->instance_overrides.empty()) continue;
    for (const auto& [key, ov] : n->instance_overrides) {
      const std::string path = n->pointer + "/overrides/" + pointer_token(key);
      if (!n->children.empty()) {
        issues.add(path, "an instance with children of its own draws those, not its component");
        break;
      }
      // Follow the key through nested instances: "<a>;<b>" is <b> inside <a>'s component.
      auto component = doc.components.find(n->component_id);
      const Node* target = nullptr;
      std::string rest = key;
      while (component != doc.components.end()) {
        size_t cut = rest.find(';');
        const auto& index = index_of(component->second);
        auto hit = index.find(rest.substr(0, cut));
        if (hit == index.end()) break;
        if (cut == std::string::npos) {
          target = hit->second;
          break;
        }
        if (hit->second->type != NodeType::kInstance || !hit->second->children.empty()) break;
        rest = rest.substr(cut + 1);
        component = doc.components.find(hit->second->component_id);
      }
      if (!target) {
        issues.add(path, "names no node inside component '" + n->component_id + "'");
      } else if (ov.characters && target->type != NodeType::kText) {
        issues.add(path + "/characters", "applies to text nodes only");
      }
    }
  }
}

void apply_instance_overrides(std::vector<Node>& children,
                              const std::map<std::string, InstanceOverride>& overrides) {
  if (overrides.empty()) return;
  std::map<std::string, Node*> index;
  index_subtree(children, index);
  for (const auto& [key, ov] : overrides) {
    size_t cut = key.find(';');
    auto hit = index.find(key.substr(0, cut));
    if (hit == index.end()) continue;  // validation has reported it
    if (cut == std::string::npos) {
      apply(*hit->second, ov);
    } else {
      merge_into(hit->second->instance_overrides[key.substr(cut + 1)], ov);
    }
  }
}

}  // namespace od::design2code
