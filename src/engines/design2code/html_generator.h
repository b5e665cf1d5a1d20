// HTML + CSS target of design-to-code: a canvas document becomes pages (one per top-level frame)
// and one shared style sheet. Auto-layout maps to flexbox, free-form children to absolute
// positions inside their parent, breakpoints to media queries, repeated values to custom
// properties. Every element carries data-node-id so tools can map code back to the design.
#pragma once

#include <map>
#include <string>

#include "engines/design2code/document.h"

namespace od::design2code {

// File name -> content; a std::map so iteration (and any archive built from it) is ordered.
using Files = std::map<std::string, std::string>;

struct GenerateOptions {
  // Id or name of one top-level frame (or of a top-level component, which is otherwise only a
  // library): index.html then shows only it, at its design size from the top-left corner. Empty:
  // every top-level frame becomes <name>.html and index.html links them (or is the page itself when
  // there is only one).
  std::string frame;
  // Instances expand their component's tree; these bound what a small document can expand to.
  size_t max_elements = 200'000;
  int max_depth = 512;
};

// Deterministic: the same document and options give the same bytes. Throws InvalidDocument when
// `frame` names no top-level frame or component, or instances expand beyond the bounds.
Files generate_html(const Document& doc, const GenerateOptions& options = {});

}  // namespace od::design2code
