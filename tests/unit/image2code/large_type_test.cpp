#include "engines/image2code/large_type.h"

#include <gtest/gtest.h>

#include <opencv2/imgproc.hpp>

#include "unit/image2code/ocr_text.h"

namespace od::image2code {
namespace {

TEST(LargeType, HeavyDisplayTypeThePagePassReadsHollowIsReadAgainWhole) {
  // Heavy white type (44 px capitals, 7 px strokes) on a dark band: in the page pass's 31 px
  // median picture the strokes' middles come out hollow ("Shep in esed").
  cv::Mat img(260, 1000, CV_8UC3, cv::Scalar(41, 37, 33));
  cv::putText(img, "Shop in good style", {40, 150}, cv::FONT_HERSHEY_SIMPLEX, 2.0,
              cv::Scalar(255, 255, 255), 7, cv::LINE_AA);
  TextRecognizer ocr;
  std::vector<OcrLine> lines = ocr.read_page(img);
  ASSERT_EQ(all_text(lines).find("Shop in good style"), std::string::npos) << all_text(lines);

  reread_large_type(img, ocr, lines);
  EXPECT_EQ(all_text(lines), "Shop in good style ");
}

TEST(LargeType, SmallTypeAndGoodReadsAreLeftAlone) {
  cv::Mat img(200, 900, CV_8UC3, cv::Scalar(255, 255, 255));
  cv::putText(img, "Body text stays", {40, 80}, cv::FONT_HERSHEY_SIMPLEX, 0.7, cv::Scalar(0, 0, 0),
              1, cv::LINE_AA);
  TextRecognizer ocr;
  std::vector<OcrLine> lines = ocr.read_page(img);
  ASSERT_EQ(all_text(lines), "Body text stays ");
  // A page-pass line no second read can beat (certain, and of large type) is kept as it is.
  OcrLine sure;
  sure.words = {{"Exact", {40, 120, 200, 40}, 100}};
  sure.box = sure.words[0].box;
  sure.baseline = 160;
  lines.push_back(sure);
  reread_large_type(img, ocr, lines);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(all_text(lines), "Body text stays Exact ");
}

}  // namespace
}  // namespace od::image2code
