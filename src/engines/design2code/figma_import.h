// Importer from the Figma REST API formats (docs/canvas-schema.md, "Figma import"): the
// `GET /v1/files/:key` response, the `GET /v1/files/:key/nodes` response, and a bare node object
// (or an array of them) as plugins export it. Each Figma node becomes a canvas node with the same
// id ("1:23"), geometry made relative to its parent, and what has no canvas equivalent kept under
// the node's `figma` metadata. The result is canvas JSON, validated afterwards by parse_document
// like any other document.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "engines/design2code/validate.h"

namespace od::design2code {

enum class InputFormat { kCanvas, kFigmaFile, kFigmaNodes, kFigmaNode, kUnknown };

// Decides from the content alone, never from a file name.
InputFormat detect_format(const nlohmann::json& input);
const char* input_format_name(InputFormat format);

struct FigmaImport {
  nlohmann::json canvas;  // a canvas document (version 1)
  // Canvas node pointer -> Figma node pointer, so later validation messages can name the place
  // in the file the user actually has.
  std::vector<std::pair<std::string, std::string>> pointers;
};

// Converts `input` (one of the Figma formats). Problems are reported as InvalidDocument issues
// whose paths point into the Figma JSON ("/document/children/0/children/3/fills/0/color/r: ...").
// Never crashes on hostile input within `limits`.
FigmaImport import_figma(const nlohmann::json& input, InputFormat format, const Limits& limits);

}  // namespace od::design2code
