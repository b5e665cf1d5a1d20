// Glyphs Tesseract reads as the wrong character in the same way on every page, put right from
// the word's shape and place on its line (no word lists):
// - "|" standing alone whose bar stops at the baseline is the pronoun "I" (a vertical bar, in
//   the fonts pages use, reaches below the baseline);
// - "-" standing alone with a square box is a middle dot "·" (a hyphen is three times wider
//   than high), the separator of "Privacy · Terms" and "March 12 · 6 min read";
// - "~" ending a word is a dropdown's caret ("Blog~"), not text: removed, and a word of nothing
//   else is dropped.
#pragma once

#include "engines/image2code/text_recognizer.h"

namespace od::image2code {

void fix_misread_glyphs(OcrLine& line);

}  // namespace od::image2code
