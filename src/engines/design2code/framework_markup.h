// Markup for the framework targets (React JSX, Vue templates) from the shared element tree:
// one component per page, and one per design component used by instances, so a component used
// ten times is written once and used ten times. Inside a shared component every data-node-id is
// computed from its nodeId prop ("I<instance id>;<child id>"), so each rendered element still
// carries the id the design gives it. Texts are props (defaulting to the component's own text), and
// so is the visibility of layers some instances hide, so instances that only change words or
// what they show share the component; instances whose expanded trees differ
// otherwise (other styles or tags) get their own variant of the component ("Card", "Card2").
#pragma once

#include <string>
#include <vector>

#include "engines/design2code/element_tree.h"

namespace od::design2code {

enum class Framework { kReact, kVue };

// A text of a shared component that instances may change, or (`flag`) whether a layer that some
// instances show and others hide is hidden: a prop whose default is the value of the instance
// the component was made from.
struct TextProp {
  std::string name;   // camelCase, ends in "Text" (or "Hidden" for a flag)
  std::string label;  // the layer's name, for the prop's doc comment
  std::string value;  // the text, or "true" / "false"
  bool flag = false;
};

struct ComponentSource {
  std::string name;             // PascalCase, unique in the project
  bool page = false;            // a top-level frame; otherwise a shared component with props
  std::string markup;           // the element tree as JSX / template text, indented for its file
  bool uses_styles = false;     // refers to the CSS module
  bool uses_id_prefix = false;  // shared components: ids below the root are idPrefix + rest
  std::vector<std::string> components;  // shared components it uses, in order of first use
  std::vector<TextProp> text_props;     // shared components: one per plain text, in order
};

struct ComponentPlan {
  std::vector<ComponentSource> pages;       // same order as ElementTree::pages
  std::vector<ComponentSource> components;  // in order of first use
};

// `indent` is the indentation (in spaces) of a component's root element in its file.
ComponentPlan plan_components(const Document& doc, const ElementTree& tree, Framework framework,
                              int indent);

// "hero-title" -> "HeroTitle".
std::string pascal_case(const std::string& slug);

}  // namespace od::design2code
