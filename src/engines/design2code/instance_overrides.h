// Instance overrides (docs/canvas-schema.md, "Instance overrides"): an instance without children
// shows its component's structure with its own text, fills, opacity and visibility for the
// descendants it names. Keys are descendant ids inside the component; a key "<a>;<b>" reaches
// node <b> inside the component of the nested instance <a>, as generated ids are written.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "engines/design2code/document.h"

namespace od::design2code {

// The id an expanded instance gives a node of its component, as Figma names instance sublayers:
// "I<instance id>;<node id>". Ids already of that form ("I" + ...;...: a sublayer of another
// instance) lose their "I" inside the new one, so nesting chains: I<a>;<b>;<c>.
std::string expanded_id(const std::string& instance_id, const std::string& node_id);

// True for ids of the sublayer form "I<a>;<b>".
bool is_sublayer_id(const std::string& id);

// Every key must name a node of the instance's component (through nested instances for keys
// with ';'), and `characters` may only target text nodes. Reports at
// "<instance>/overrides/<key>".
void validate_instance_overrides(const Document& doc, Issues& issues);

// Applies `overrides` to `children`, a copy of a component's children made for one instance.
// Keys reaching into a nested instance are handed down to that instance, where its own
// expansion applies them; the outer instance's values win over the nested one's.
void apply_instance_overrides(std::vector<Node>& children,
                              const std::map<std::string, InstanceOverride>& overrides);

}  // namespace od::design2code
