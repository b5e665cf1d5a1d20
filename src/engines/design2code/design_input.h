// One entry point for every design input the engine accepts: a canvas document or any of the
// Figma REST/plugin formats, told apart by content (figma_import.h). Figma input is imported
// into canvas JSON, then validated by parse_document like a hand-written document; problems are
// reported with paths into the input the user gave.
#pragma once

#include <string_view>

#include "engines/design2code/document.h"
#include "engines/design2code/figma_import.h"

namespace od::design2code {

Document load_design(const nlohmann::json& input, const Limits& limits = {},
                     InputFormat* detected = nullptr);

// Checks the raw text before parsing it (nesting depth and single-string length, in one linear
// pass without recursion), so a 100 MB string or a 10,000-deep array is refused before any of it
// is materialized; then parses and loads.
Document load_design_text(std::string_view text, const Limits& limits = {},
                          InputFormat* detected = nullptr);

// The pre-parse check on its own; throws InvalidDocument naming the byte offset of the problem.
void check_json_text(std::string_view text, const Limits& limits);

}  // namespace od::design2code
