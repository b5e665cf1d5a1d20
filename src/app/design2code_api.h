// HTTP route for synchronous design-to-code: POST /api/v1/design2code compiles a small canvas
// document (body up to 2 MiB) and answers with the generated files. Bigger documents belong to
// the design2code job type once the job system exists.
#pragma once

#include "http/router.h"

namespace od::app {

// Nesting of a body (or job input) that carries a design as `document`: the document sits one
// level inside, a node level costs two JSON levels, plus the wrappers of Figma nodes responses.
inline constexpr int kMaxDesignBodyDepth = 2 * 256 + 24;

void register_design2code_routes(http::Router& router);

}  // namespace od::app
