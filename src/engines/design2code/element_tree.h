// The layout and semantics half of code generation, shared by every target: a canvas document
// becomes a tree of elements (tag, class, data-node-id) per page plus the style sheet those
// classes use. The HTML, React and Vue generators only print this tree in their own syntax, so
// the three targets render the same boxes.
#pragma once

#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "engines/design2code/document.h"
#include "engines/design2code/html_generator.h"

namespace od::design2code {

// One generated element: a node (or a node expanded from a component) placed in the output.
struct Element {
  const Node* node = nullptr;
  const Node* parent = nullptr;  // null for a page
  std::string id;                // data-node-id
  std::string cls;
  std::string tag = "div";
  // An instance showing its component's tree: every id below it starts with expanded_id(id, ""),
  // "I<id>;" (instance_overrides.h), which lets the framework targets turn it into one shared
  // component used with a node-id prop.
  bool expanded_instance = false;
  // A hidden node drawn from a component: hidden by the `hidden` attribute instead of its class,
  // so instances that differ only in what they show share classes (and framework components).
  bool hidden_attribute = false;
  std::vector<Element> children;
};

struct ElementTree {
  std::vector<Element> pages;           // one per compiled top-level frame
  std::vector<std::string> page_names;  // unique slugs, one per page
  std::string base_css;                 // reset and the :root design tokens
  std::string class_css;                // one rule per class, then the media queries
  std::deque<Node> expanded;  // instances merged with their component; elements point here
};

// Throws InvalidDocument when options.frame names no top-level frame or component, or instances
// expand beyond the bounds. Deterministic, like every generator built on it.
ElementTree build_element_tree(const Document& doc, const GenerateOptions& options);

// Text and attribute values for HTML-like markup: & < > " ' as character references.
std::string escape_html(std::string_view s);

}  // namespace od::design2code
