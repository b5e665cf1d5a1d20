// Markup for the framework targets (React JSX, Vue templates) from the shared element tree:
// one component per page, and one per design component used by instances, so a component used
// ten times is written once and used ten times. Inside a shared component every data-node-id is
// computed from its nodeId prop ("<instance id>;<child id>"), so each rendered element still
// carries the id the design gives it. Instances whose expanded trees differ (other styles or
// tags) get their own variant of the component ("Card", "Card2").
#pragma once

#include <string>
#include <vector>

#include "engines/design2code/element_tree.h"

namespace od::design2code {

enum class Framework { kReact, kVue };

struct ComponentSource {
  std::string name;          // PascalCase, unique in the project
  bool page = false;         // a top-level frame; otherwise a shared component with props
  std::string markup;        // the element tree as JSX / template text, indented for its file
  bool uses_styles = false;  // refers to the CSS module
  std::vector<std::string> components;  // shared components it uses, in order of first use
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
