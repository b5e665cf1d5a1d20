#include "engines/image2code/misread_glyphs.h"

#include <gtest/gtest.h>

namespace od::image2code {
namespace {

// The text of a line of 20 px type (baseline at y = 116, capitals from y = 100, unless
// `baseline` says otherwise) made of `words`, after fix_misread_glyphs.
std::string fixed(std::vector<OcrWord> words, int baseline = 116) {
  OcrLine l;
  l.words = std::move(words);
  l.box = l.words.front().box;
  for (const auto& w : l.words) l.box |= w.box;
  l.baseline = baseline;
  fix_misread_glyphs(l);
  std::string out;
  for (const auto& w : l.words) out += (out.empty() ? "" : " ") + w.text;
  return out;
}

TEST(MisreadGlyphs, ABarEndingOnTheBaselineIsThePronounI) {
  EXPECT_EQ(fixed({{"When", {0, 100, 50, 16}, 96},
                   {"|", {56, 100, 2, 16}, 93},
                   {"look", {64, 100, 40, 16}, 96}}),
            "When I look");
  // Tesseract's baseline 3 px above where the letters end, and a box with side bearings: the
  // words without descenders tell where the letters stand.
  EXPECT_EQ(fixed({{"When", {0, 100, 50, 16}, 96},
                   {"|", {56, 100, 6, 16}, 93},
                   {"get", {68, 102, 30, 18}, 96},
                   {"look", {104, 100, 40, 16}, 96}},
                  113),
            "When I get look");
  // A loose box, taller than the line, before a verb.
  EXPECT_EQ(fixed({{"and", {0, 100, 40, 16}, 96},
                   {"|", {46, 96, 13, 24}, 95},
                   {"realized", {64, 100, 80, 16}, 96}}),
            "and I realized");
}

TEST(MisreadGlyphs, ABarReachingBelowTheBaselineOrAWideOneStays) {
  EXPECT_EQ(fixed({{"Home", {0, 100, 50, 16}, 96},
                   {"|", {70, 98, 2, 24}, 93},
                   {"About", {90, 100, 50, 16}, 96}}),
            "Home | About");
  EXPECT_EQ(fixed({{"Logo", {0, 100, 50, 16}, 96}, {"|", {60, 90, 14, 26}, 93}}), "Logo |");
  // Alone on its line, or far from the words of its line, a bar is a divider however it
  // stands.
  EXPECT_EQ(fixed({{"|", {56, 100, 2, 16}, 93}}), "|");
  EXPECT_EQ(fixed({{"WORKSPACE", {0, 100, 120, 16}, 96}, {"|", {700, 100, 2, 16}, 90}}),
            "WORKSPACE |");
}

TEST(MisreadGlyphs, ASquareDashIsAMiddleDotAndAWideOneAHyphen) {
  EXPECT_EQ(fixed({{"Privacy", {0, 100, 60, 16}, 96},
                   {"-", {66, 108, 3, 3}, 89},
                   {"Terms", {76, 100, 50, 16}, 96}}),
            "Privacy · Terms");
  EXPECT_EQ(fixed({{"2011", {0, 100, 40, 16}, 96},
                   {"-", {46, 108, 8, 2}, 89},
                   {"2015", {60, 100, 40, 16}, 96}}),
            "2011 - 2015");
  // A rough box, as tall as the line, around a hyphen: not a dot.
  EXPECT_EQ(fixed({{"2008", {0, 100, 40, 16}, 96},
                   {"-", {46, 96, 9, 24}, 93},
                   {"June", {60, 100, 40, 16}, 96}}),
            "2008 - June");
}

TEST(MisreadGlyphs, ADropdownCaretReadAsATildeGoes) {
  EXPECT_EQ(fixed({{"Blog~", {0, 100, 45, 16}, 92},
                   {"Shop", {80, 100, 40, 16}, 96},
                   {"~", {124, 104, 8, 4}, 90}}),
            "Blog Shop");
}

std::vector<OcrWord> glyphs(const std::string& text, std::vector<int> lefts, int width, int y,
                            int height) {
  std::vector<OcrWord> out;
  for (size_t i = 0; i < text.size(); ++i) {
    out.push_back({text.substr(i, 1), {lefts[i], y, width, height}, 0});
  }
  return out;
}

TEST(SplitAtSpaces, WordsRunTogetherAcrossASpaceComeApart) {
  // "Tab2" as read on a tab bar: 11 px capitals, 6 px before the digit.
  OcrWord tab2{"Tab2", {100, 50, 38, 11}, 93};
  auto parts = split_at_spaces(tab2, glyphs("Tab2", {100, 108, 115, 129}, 6, 50, 11), 10);
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(parts[0].text, "Tab");
  EXPECT_EQ(parts[1].text, "2");
  EXPECT_EQ(parts[0].box.x, 100);
  EXPECT_EQ(parts[1].box.x, 129);
  EXPECT_EQ(parts[1].box.br().x, 138);
  EXPECT_EQ(parts[1].confidence, 93);
}

TEST(SplitAtSpaces, LettersOfOneWordStayTogether) {
  // "an" on a line of 16 px capitals: its rough glyph boxes stand 5 px apart, about its own
  // height's half, but well under half the line's x-height.
  OcrWord an{"an", {10, 54, 17, 9}, 96};
  auto parts = split_at_spaces(an, glyphs("an", {10, 21}, 6, 54, 9), 16);
  ASSERT_EQ(parts.size(), 1u);
  EXPECT_EQ(parts[0].text, "an");
  EXPECT_EQ(parts[0].box, an.box);
  EXPECT_EQ(split_at_spaces(an, {}, 16)[0].text, "an");
  // A last letter's glyph box gone astray ("Interfac E"): no word is one letter long.
  OcrWord long_word{"Interface", {10, 50, 80, 12}, 95};
  auto stray = split_at_spaces(
      long_word, glyphs("Interface", {10, 16, 22, 30, 38, 46, 54, 62, 78}, 6, 50, 12), 12);
  ASSERT_EQ(stray.size(), 1u);
  EXPECT_EQ(stray[0].text, "Interface");
  // Letter-spaced capitals on a button: every gap wide, none a space.
  OcrWord sign{"SIGN", {10, 50, 62, 12}, 95};
  auto spaced = split_at_spaces(sign, glyphs("SIGN", {10, 26, 36, 56}, 8, 50, 12), 12);
  ASSERT_EQ(spaced.size(), 1u);
  EXPECT_EQ(spaced[0].text, "SIGN");
}

}  // namespace
}  // namespace od::image2code
