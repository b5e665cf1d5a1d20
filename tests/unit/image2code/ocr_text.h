// Test helper: the words of OCR lines as one string, each followed by a space.
#pragma once

#include <string>
#include <vector>

#include "engines/image2code/text_recognizer.h"

namespace od::image2code {

inline std::string all_text(const std::vector<OcrLine>& lines) {
  std::string out;
  for (const auto& l : lines) {
    for (const auto& w : l.words) out += w.text + " ";
  }
  return out;
}

}  // namespace od::image2code
