// Figma instances of components in the same file become canvas instances with overrides.
//
// The importer first converts an INSTANCE as Figma sends it: with its resolved children, whose
// ids are Figma's "I<instance>;<node>". This pass compares each such instance with its
// component and, when every difference is one an instance override can say (visible, opacity,
// characters, text colour and fills, x, y, width, height), drops the children and writes the
// differences as `overrides`: the engine's expansion then draws the same nodes with the same ids
// (expanded_id), and the framework targets share one component between the instances. Instances
// that differ otherwise (other text styles, structure, strokes, ...) keep their resolved
// children; `figma.resolvedBecause` says which difference kept them.
#pragma once

#include <nlohmann/json.hpp>

namespace od::design2code {

// `children`: the canvas document's top-level nodes, as the importer made them.
void collapse_figma_instances(nlohmann::json& children);

}  // namespace od::design2code
