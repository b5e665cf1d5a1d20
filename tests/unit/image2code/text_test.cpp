#include <gtest/gtest.h>

#include <opencv2/imgproc.hpp>

#include "engines/image2code/color.h"
#include "engines/image2code/text_blocks.h"
#include "engines/image2code/text_recognizer.h"

namespace od::image2code {
namespace {

OcrWord word(std::string text, cv::Rect box) { return {std::move(text), box, 95}; }

TEST(TextStyle, FontSizeFollowsWhichLettersReachAscenderAndDescender) {
  FontMetrics m;
  // At 20 px: "Hello" spans ascender line to baseline, "gap" x-height to descender, "one" the
  // x-height only. All three must give 20.
  EXPECT_NEAR(estimate_font_size({word("Hello", {0, 0, 50, int(20 * m.ascender_line)})}), 20, 1);
  EXPECT_NEAR(estimate_font_size({word("one", {0, 0, 30, int(20 * m.x_height + 0.5)})}), 20, 1);
  EXPECT_NEAR(
      estimate_font_size({word("gap", {0, 0, 30, int(20 * (m.x_height + m.descender) + 0.5)})}), 20,
      1);
  EXPECT_NEAR(
      estimate_font_size({word("Jumpy", {0, 0, 60, int(40 * (m.ascender_line + m.descender))})}),
      40, 1.5);
}

TEST(TextStyle, ColourComesFromTheStrokesNotTheAntiAliasing) {
  cv::Mat img(60, 200, CV_8UC3, cv::Scalar(245, 245, 245));
  cv::putText(img, "Sale", {10, 45}, cv::FONT_HERSHEY_SIMPLEX, 1.2, cv::Scalar(40, 40, 200), 3,
              cv::LINE_AA);
  Rgb c = estimate_text_color(img, cv::Rect(8, 12, 100, 40));
  EXPECT_LE(color_distance(c, Rgb{200, 40, 40}), 12);
}

TEST(TextStyle, APolarityPicksTheTypeNotItsDarkShadow) {
  cv::Mat img(80, 300, CV_8UC3, cv::Scalar(238, 221, 221));  // lavender
  cv::putText(img, "Audio", {14, 58}, cv::FONT_HERSHEY_DUPLEX, 1.5, cv::Scalar(20, 20, 20), 9,
              cv::LINE_AA);  // the shadow, wider than the type
  cv::putText(img, "Audio", {12, 56}, cv::FONT_HERSHEY_DUPLEX, 1.5, cv::Scalar(255, 255, 255), 3,
              cv::LINE_AA);
  cv::Rect box(4, 12, 160, 60);
  EXPECT_GT(color_distance(estimate_text_color(img, box), Rgb{255, 255, 255}), 100);
  EXPECT_LE(color_distance(estimate_text_color(img, box, +1), Rgb{255, 255, 255}), 8);
}

TEST(TextStyle, StrokeWidthTellsBoldFromRegular) {
  cv::Mat thin(80, 300, CV_8UC3, cv::Scalar(255, 255, 255));
  cv::Mat bold = thin.clone();
  cv::putText(thin, "Word", {10, 60}, cv::FONT_HERSHEY_SIMPLEX, 1.5, cv::Scalar(0, 0, 0), 2);
  cv::putText(bold, "Word", {10, 60}, cv::FONT_HERSHEY_SIMPLEX, 1.5, cv::Scalar(0, 0, 0), 6);
  double w_thin = estimate_stroke_width(thin, cv::Rect(5, 15, 160, 55));
  double w_bold = estimate_stroke_width(bold, cv::Rect(5, 15, 160, 55));
  EXPECT_NEAR(w_thin, 2.5, 1.2);
  EXPECT_NEAR(w_bold, 6.5, 2);
}

OcrLine line_of(std::vector<OcrWord> words, int baseline) {
  OcrLine l;
  l.words = std::move(words);
  l.box = l.words.front().box;
  for (const auto& w : l.words) l.box |= w.box;
  l.baseline = baseline;
  return l;
}

TEST(TextBlocks, LinesOfOneStyleMergeIntoAParagraphAndFarWordsSplit) {
  cv::Mat img(200, 600, CV_8UC3, cv::Scalar(255, 255, 255));
  // Ink for the colour and weight estimates.
  for (int y : {20, 44}) cv::rectangle(img, cv::Rect(10, y, 300, 12), cv::Scalar(0, 0, 0), 1);
  std::vector<OcrLine> lines = {
      line_of({word("Hello", {10, 20, 60, 12}), word("there", {75, 20, 60, 12})}, 32),
      line_of({word("friend", {10, 44, 70, 12})}, 56),
      // A menu: items 80 px apart split into separate texts.
      line_of({word("Home", {10, 150, 50, 12}), word("About", {140, 150, 60, 12})}, 162)};
  auto blocks = build_text_blocks(img, lines);
  ASSERT_EQ(blocks.size(), 3u);
  EXPECT_EQ(blocks[0].text, "Hello there\nfriend");
  EXPECT_EQ(blocks[0].line_count, 2);
  EXPECT_EQ(blocks[0].style.line_height, 24);
  EXPECT_EQ(blocks[1].text, "Home");
  EXPECT_EQ(blocks[2].text, "About");
  EXPECT_EQ(blocks[0].style.align, "left");
}

TEST(TextBlocks, CellsOfTableRowsDoNotMergeDownTheColumn) {
  cv::Mat img(200, 700, CV_8UC3, cv::Scalar(255, 255, 255));
  // Three rows of a table set as tight as lines of a paragraph, four cells each.
  std::vector<OcrLine> lines;
  const char* cells[3][4] = {{"Tiger", "Architect", "Edinburgh", "61"},
                             {"Garrett", "Accountant", "Tokyo", "63"},
                             {"Ashton", "Author", "Sydney", "66"}};
  for (int r = 0; r < 3; ++r) {
    int y = 20 + 18 * r;
    lines.push_back(
        line_of({word(cells[r][0], {10, y, 60, 12}), word(cells[r][1], {160, y, 80, 12}),
                 word(cells[r][2], {400, y, 70, 12}), word(cells[r][3], {520, y, 16, 12})},
                y + 12));
  }
  // Below them, a paragraph of two lines, one segment each: it still merges.
  lines.push_back(line_of({word("Lines", {10, 120, 50, 12})}, 132));
  lines.push_back(line_of({word("follow", {10, 138, 60, 12})}, 150));
  auto blocks = build_text_blocks(img, lines);
  ASSERT_EQ(blocks.size(), 13u);
  EXPECT_EQ(blocks[0].text, "Tiger");
  EXPECT_EQ(blocks[4].text, "Garrett");
  EXPECT_EQ(blocks[12].text, "Lines\nfollow");
}

TEST(TextBlocks, CapitalsBecomeTitleCaseSetInUppercaseButAcronymsAndMixedCaseStay) {
  cv::Mat img(300, 600, CV_8UC3, cv::Scalar(255, 255, 255));
  std::vector<OcrLine> lines = {
      line_of({word("FRESH", {10, 20, 60, 12}), word("COFFEE,", {75, 20, 70, 12}),
               word("B2B", {150, 20, 30, 12})},
              32),
      line_of({word("Contact", {10, 100, 70, 12}), word("ME", {85, 100, 20, 12})}, 112),
      line_of({word("FAQ", {10, 200, 40, 12})}, 212),
      // Minor words inside a title stay lower case; the last word is capitalised all the same.
      line_of({word("AROUND", {10, 250, 70, 12}), word("THE", {85, 250, 30, 12}),
               word("WEB", {120, 250, 40, 12})},
              262),
      line_of({word("THE", {300, 250, 30, 12}), word("SIGN", {335, 250, 40, 12}),
               word("IN", {380, 250, 20, 12})},
              262)};
  auto blocks = build_text_blocks(img, lines);
  ASSERT_EQ(blocks.size(), 5u);
  EXPECT_EQ(blocks[0].text, "Fresh Coffee, B2B");
  EXPECT_EQ(blocks[0].style.transform, "uppercase");
  EXPECT_EQ(blocks[1].text, "Contact ME");
  EXPECT_EQ(blocks[1].style.transform, "");
  EXPECT_EQ(blocks[2].text, "FAQ");
  EXPECT_EQ(blocks[2].style.transform, "");
  EXPECT_EQ(blocks[3].text, "Around the Web");
  EXPECT_EQ(blocks[4].text, "The Sign In");
  EXPECT_EQ(blocks[4].style.transform, "uppercase");
}

TEST(Ocr, ReadsRenderedWordsWithTheirBoxes) {
  cv::Mat img(160, 700, CV_8UC3, cv::Scalar(255, 255, 255));
  cv::putText(img, "OPEN DESIGN", {20, 70}, cv::FONT_HERSHEY_DUPLEX, 2.0, cv::Scalar(0, 0, 0), 3,
              cv::LINE_AA);
  auto lines = recognize_text(img);
  ASSERT_EQ(lines.size(), 1u);
  ASSERT_EQ(lines[0].words.size(), 2u);
  EXPECT_EQ(lines[0].words[0].text, "OPEN");
  EXPECT_EQ(lines[0].words[1].text, "DESIGN");
  EXPECT_NEAR(lines[0].words[0].box.x, 20, 6);
  EXPECT_NEAR(lines[0].words[0].box.br().y, 70, 4);
  EXPECT_NEAR(lines[0].baseline, 70, 4);
}

TEST(Ocr, ReadsALightLabelOnADarkBoxInPageCoordinates) {
  cv::Mat img(200, 400, CV_8UC3, cv::Scalar(255, 255, 255));
  cv::Rect button(100, 60, 220, 60);
  cv::rectangle(img, button, cv::Scalar(120, 40, 20), cv::FILLED);
  cv::putText(img, "SUBMIT", {130, 105}, cv::FONT_HERSHEY_DUPLEX, 1.2, cv::Scalar(255, 255, 255), 2,
              cv::LINE_AA);
  TextRecognizer ocr;
  auto lines = ocr.read_region(img, button, true);
  ASSERT_EQ(lines.size(), 1u);
  ASSERT_EQ(lines[0].words.size(), 1u);
  EXPECT_EQ(lines[0].words[0].text, "SUBMIT");
  EXPECT_NEAR(lines[0].words[0].box.x, 130, 6);
  EXPECT_NEAR(lines[0].words[0].box.br().y, 105, 4);
}

TEST(Ocr, AWordRunTogetherWithAnIconBesideItIsReadAgainAlone) {
  // A broken image's icon two pixels before a name (an avatar that did not load): the page
  // pass reads icon and name as one word ("flJosiah") and is unsure of it; read again alone,
  // the name comes out certain.
  cv::Mat img(120, 600, CV_8UC3, cv::Scalar(255, 255, 255));
  cv::rectangle(img, cv::Rect(40, 44, 14, 16), cv::Scalar(120, 120, 120), 1);
  cv::line(img, {43, 56}, {47, 50}, cv::Scalar(60, 160, 60), 2);
  cv::putText(img, "Josiah Barclay", {58, 60}, cv::FONT_HERSHEY_SIMPLEX, 0.6,
              cv::Scalar(40, 40, 40), 1, cv::LINE_AA);
  cv::putText(img, "March 23, 2023", {58, 85}, cv::FONT_HERSHEY_SIMPLEX, 0.6,
              cv::Scalar(110, 110, 110), 1, cv::LINE_AA);
  auto lines = recognize_text(img);
  std::string text;
  for (const auto& l : lines) {
    for (const auto& w : l.words) {
      if (std::any_of(w.text.begin(), w.text.end(), ::isalnum)) text += w.text + " ";
    }
  }
  EXPECT_EQ(text, "Josiah Barclay March 23, 2023 ");
}

TEST(Ocr, FindsNothingOnABlankPicture) {
  cv::Mat img(100, 100, CV_8UC3, cv::Scalar(255, 255, 255));
  EXPECT_TRUE(recognize_text(img).empty());
}

}  // namespace
}  // namespace od::image2code
