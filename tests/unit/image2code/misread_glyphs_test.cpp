#include "engines/image2code/misread_glyphs.h"

#include <gtest/gtest.h>

namespace od::image2code {
namespace {

// A line of 20 px type whose baseline is at y = 116 (capitals from y = 100).
OcrLine line_of(std::vector<OcrWord> words) {
  OcrLine l;
  l.words = std::move(words);
  l.box = l.words.front().box;
  for (const auto& w : l.words) l.box |= w.box;
  l.baseline = 116;
  return l;
}

std::string text_of(const OcrLine& l) {
  std::string out;
  for (const auto& w : l.words) out += (out.empty() ? "" : " ") + w.text;
  return out;
}

TEST(MisreadGlyphs, ABarEndingOnTheBaselineIsThePronounI) {
  OcrLine l = line_of({{"When", {0, 100, 50, 16}, 96},
                       {"|", {56, 100, 2, 16}, 93},
                       {"look", {64, 100, 40, 16}, 96}});
  fix_misread_glyphs(l);
  EXPECT_EQ(text_of(l), "When I look");
}

TEST(MisreadGlyphs, ABarReachingBelowTheBaselineOrAWideOneStays) {
  OcrLine bar = line_of({{"Home", {0, 100, 50, 16}, 96},
                         {"|", {70, 98, 2, 24}, 93},
                         {"About", {90, 100, 50, 16}, 96}});
  fix_misread_glyphs(bar);
  EXPECT_EQ(text_of(bar), "Home | About");
  OcrLine blob = line_of({{"Logo", {0, 100, 50, 16}, 96}, {"|", {60, 90, 14, 26}, 93}});
  fix_misread_glyphs(blob);
  EXPECT_EQ(text_of(blob), "Logo |");
}

TEST(MisreadGlyphs, ASquareDashIsAMiddleDotAndAWideOneAHyphen) {
  OcrLine dot = line_of({{"Privacy", {0, 100, 60, 16}, 96},
                         {"-", {66, 108, 3, 3}, 89},
                         {"Terms", {76, 100, 50, 16}, 96}});
  fix_misread_glyphs(dot);
  EXPECT_EQ(text_of(dot), "Privacy · Terms");
  OcrLine dash = line_of({{"2011", {0, 100, 40, 16}, 96},
                          {"-", {46, 108, 8, 2}, 89},
                          {"2015", {60, 100, 40, 16}, 96}});
  fix_misread_glyphs(dash);
  EXPECT_EQ(text_of(dash), "2011 - 2015");
}

TEST(MisreadGlyphs, ADropdownCaretReadAsATildeGoes) {
  OcrLine l = line_of({{"Blog~", {0, 100, 45, 16}, 92},
                       {"Shop", {80, 100, 40, 16}, 96},
                       {"~", {124, 104, 8, 4}, 90}});
  fix_misread_glyphs(l);
  EXPECT_EQ(text_of(l), "Blog Shop");
}

}  // namespace
}  // namespace od::image2code
