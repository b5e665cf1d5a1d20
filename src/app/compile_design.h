// The design-to-code step the design2code and image2code jobs share: a canvas document to the
// files of one target, as an API error when the document or the frame is refused.
#pragma once

#include <string>

#include "engines/design2code/document.h"
#include "engines/design2code/html_generator.h"

namespace od::app {

// `target` is html, react or vue; `frame` (id or name, empty: every top-level frame) picks one
// frame. A frame the document does not have is a 422 invalid_document naming the problem.
design2code::Files compile_design(const design2code::Document& doc, const std::string& target,
                                  const std::string& frame);

}  // namespace od::app
