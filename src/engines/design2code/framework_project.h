// React and Vue targets: a Vite project per document. Components come from framework_markup
// (one per page, one per shared design component); the styles are the HTML target's, split into
// src/global.css (reset and design tokens) and src/styles.module.css (a CSS module with one class
// per element), so every target renders the same boxes. `npm install && npm run build` type-checks
// and writes dist/index.html; with one page (or --frame) that page is the app, at its design size
// from the top-left corner; with several, the app shows a list of pages and #/<page> opens one.
#pragma once

#include "engines/design2code/html_generator.h"

namespace od::design2code {

// Both deterministic; both throw InvalidDocument like generate_html.
Files generate_react(const Document& doc, const GenerateOptions& options = {});
Files generate_vue(const Document& doc, const GenerateOptions& options = {});

}  // namespace od::design2code
