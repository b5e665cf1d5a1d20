// Stage 6, components: containers and groups recognised by shape and content get a role the
// canvas writer turns into a layer name and a semantic hint ("Button", "Input", "Nav bar",
// "Card", "List" of "Item"s), which the design-to-code engine maps to <button>, <input>, <nav>,
// <ul>/<li>. Rules, not a model: sizes, borders, fills and what text sits where.
#pragma once

#include "engines/image2code/scene.h"

namespace od::image2code {

// Sets `role` on the elements under `root` (the page, `page_width` wide) that look like
// components.
void recognise_components(Element& root, int page_width);

}  // namespace od::image2code
