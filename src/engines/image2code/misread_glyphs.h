// Glyphs Tesseract reads as the wrong character in the same way on every page, put right from
// the word's shape and place on its line (no word lists):
// - "|" standing alone whose bar stops at the baseline, or that begins a clause ("| have"), is
//   the pronoun "I" (a vertical bar, in the fonts pages use, reaches below the baseline, and
//   separates capitalised items);
// - "-" standing alone with a square box is a middle dot "·" (a hyphen is three times wider
//   than high), the separator of "Privacy · Terms" and "March 12 · 6 min read";
// - "~" ending a word is a dropdown's caret ("Blog~"), not text: removed, and a word of nothing
//   else is dropped.
#pragma once

#include <vector>

#include "engines/image2code/text_recognizer.h"

namespace od::image2code {

void fix_misread_glyphs(OcrLine& line);

// `word` cut where its `glyphs` (one-character words with their boxes, in order) stand a word
// space apart: Tesseract runs words together across a narrow space ("Tab2", "Condosand"). The
// line's Tesseract `x_height` (which runs about cap height) keeps short lower-case words
// ("an") from being cut at their rough glyph boxes. Without glyphs, `word` as it is.
std::vector<OcrWord> split_at_spaces(const OcrWord& word, const std::vector<OcrWord>& glyphs,
                                     float x_height);

}  // namespace od::image2code
