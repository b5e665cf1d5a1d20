#include "engines/image2code/display_text.h"

#include <gtest/gtest.h>

#include <cmath>
#include <opencv2/imgproc.hpp>

#include "engines/image2code/segmentation.h"
#include "unit/image2code/ocr_text.h"

namespace od::image2code {
namespace {

size_t pictures(const std::vector<Element>& regions) {
  size_t n = 0;
  for (const auto& e : regions) n += e.kind == ElementKind::kImage;
  return n;
}

struct Page {
  std::vector<OcrLine> lines;
  std::vector<Element> regions;
};

Page first_passes(const cv::Mat& img, const Rgb& background, TextRecognizer& ocr) {
  Page p;
  p.lines = ocr.read_page(img);
  p.regions = segment_regions(erase_text(img, p.lines), {0, 0, img.cols, img.rows}, background);
  return p;
}

TEST(DisplayText, AThinGiantNumberThePagePassMissesIsReadAndItsGlyphPicturesGo) {
  Rgb background{248, 249, 252};
  cv::Mat img(400, 900, CV_8UC3, cv::Scalar(background.b, background.g, background.r));
  cv::putText(img, "404", {300, 200}, cv::FONT_HERSHEY_SIMPLEX, 5, cv::Scalar(110, 100, 90), 3,
              cv::LINE_AA);
  cv::putText(img, "Page not found", {330, 300}, cv::FONT_HERSHEY_SIMPLEX, 0.8,
              cv::Scalar(60, 60, 60), 2, cv::LINE_AA);
  TextRecognizer ocr;
  Page p = first_passes(img, background, ocr);
  ASSERT_EQ(all_text(p.lines).find("404"), std::string::npos) << all_text(p.lines);
  ASSERT_GE(pictures(p.regions), 1u);

  recall_display_text(p.regions, img, background, ocr, p.lines);
  EXPECT_NE(all_text(p.lines).find("404"), std::string::npos) << all_text(p.lines);
  EXPECT_NE(all_text(p.lines).find("found"), std::string::npos) << "the page pass's line stays";
  EXPECT_EQ(pictures(p.regions), 0u);
}

TEST(DisplayText, WhiteTypeWithASoftDarkShadowOnAPaleBandIsRead) {
  // CSS "text-shadow: 2px 2px 10px black" behind white type on lavender: most of the words' box
  // is shadow, and the type itself is only 34 levels lighter than the band.
  Rgb background{221, 221, 238};
  cv::Mat img(200, 800, CV_8UC3, cv::Scalar(background.b, background.g, background.r));
  cv::Mat shadow(img.size(), CV_32F, cv::Scalar(0));
  cv::putText(shadow, "Audio transcript", {162, 112}, cv::FONT_HERSHEY_DUPLEX, 1.6, 1.0, 3,
              cv::LINE_AA);
  cv::GaussianBlur(shadow, shadow, {0, 0}, 5);
  for (int y = 0; y < img.rows; ++y) {
    for (int x = 0; x < img.cols; ++x) {
      float a = std::min(1.f, 2.5f * shadow.at<float>(y, x));
      img.at<cv::Vec3b>(y, x) *= 1 - a;
    }
  }
  cv::putText(img, "Audio transcript", {160, 110}, cv::FONT_HERSHEY_DUPLEX, 1.6,
              cv::Scalar(255, 255, 255), 3, cv::LINE_AA);
  TextRecognizer ocr;
  cv::Rect heading(140, 60, 520, 80);
  // Ink as distance from the band, either way: the shadow swallows the type.
  std::vector<OcrLine> lines = ocr.read_display_line(img, heading, background, 40);
  EXPECT_NE(all_text(lines).find("Audio"), std::string::npos) << all_text(lines);
}

TEST(DisplayText, PicturesThatAreNotTypeStay) {
  Rgb background{255, 255, 255};
  cv::Mat img(300, 800, CV_8UC3, cv::Scalar(255, 255, 255));
  // Glyph-sized line drawings in a row, mostly background inside their boxes as glyphs are:
  // the sparklines of a dashboard.
  cv::RNG rng(7);
  for (int left : {40, 260, 480}) {
    std::vector<cv::Point> spark;
    for (int x = left; x <= left + 180; x += 12) spark.push_back({x, rng.uniform(110, 190)});
    cv::polylines(img, spark, false, cv::Scalar(40, 90, 200), 2, cv::LINE_AA);
  }
  TextRecognizer ocr;
  Page p = first_passes(img, background, ocr);
  size_t before = pictures(p.regions);
  ASSERT_GE(before, 1u) << all_text(p.lines);
  recall_display_text(p.regions, img, background, ocr, p.lines);
  EXPECT_EQ(pictures(p.regions), before) << all_text(p.lines);
  EXPECT_TRUE(p.lines.empty()) << all_text(p.lines);
}

}  // namespace
}  // namespace od::image2code
