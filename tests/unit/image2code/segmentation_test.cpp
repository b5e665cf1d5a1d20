#include "engines/image2code/segmentation.h"

#include <gtest/gtest.h>

#include <opencv2/imgproc.hpp>

#include "engines/image2code/color.h"

namespace od::image2code {
namespace {

const cv::Scalar kWhite(255, 255, 255);

void rounded_rect(cv::Mat& img, const cv::Rect& r, int radius, const cv::Scalar& color) {
  cv::rectangle(img, {r.x + radius, r.y, r.width - 2 * radius, r.height}, color, cv::FILLED);
  cv::rectangle(img, {r.x, r.y + radius, r.width, r.height - 2 * radius}, color, cv::FILLED);
  for (cv::Point c :
       {cv::Point(r.x + radius, r.y + radius), cv::Point(r.br().x - radius - 1, r.y + radius),
        cv::Point(r.x + radius, r.br().y - radius - 1),
        cv::Point(r.br().x - radius - 1, r.br().y - radius - 1)}) {
    cv::circle(img, c, radius, color, cv::FILLED, cv::LINE_8);
  }
}

std::vector<Element> segment(const cv::Mat& img) {
  return segment_regions(img, cv::Rect(0, 0, img.cols, img.rows), Rgb{255, 255, 255});
}

TEST(Segmentation, FindsAFilledRectangleWithItsColourAndRadius) {
  cv::Mat img(300, 400, CV_8UC3, kWhite);
  rounded_rect(img, {50, 60, 200, 100}, 16, cv::Scalar(200, 80, 20));  // BGR: a blue
  auto regions = segment(img);
  ASSERT_EQ(regions.size(), 1u);
  const Element& e = regions[0];
  EXPECT_EQ(e.kind, ElementKind::kContainer);
  EXPECT_EQ(e.box, cv::Rect(50, 60, 200, 100));
  ASSERT_TRUE(e.fill);
  EXPECT_LE(color_distance(*e.fill, Rgb{20, 80, 200}), 8);
  EXPECT_NEAR(e.radius, 16, 3);
  EXPECT_FALSE(e.border_color);
}

TEST(Segmentation, SquareCornersHaveNoRadius) {
  cv::Mat img(200, 200, CV_8UC3, kWhite);
  cv::rectangle(img, cv::Rect(20, 20, 120, 80), cv::Scalar(30, 30, 30), cv::FILLED);
  auto regions = segment(img);
  ASSERT_EQ(regions.size(), 1u);
  EXPECT_EQ(regions[0].radius, 0);
}

TEST(Segmentation, FindsABorderedBoxAndSearchesInsideIt) {
  cv::Mat img(300, 400, CV_8UC3, kWhite);
  cv::rectangle(img, cv::Rect(40, 40, 300, 200), cv::Scalar(180, 180, 180), cv::FILLED);
  cv::rectangle(img, cv::Rect(42, 42, 296, 196), kWhite, cv::FILLED);  // a 2 px outline
  cv::rectangle(img, cv::Rect(80, 80, 60, 40), cv::Scalar(0, 0, 220), cv::FILLED);
  auto regions = segment(img);
  ASSERT_EQ(regions.size(), 1u);
  const Element& box = regions[0];
  EXPECT_EQ(box.kind, ElementKind::kContainer);
  EXPECT_EQ(box.border_width, 2);
  ASSERT_TRUE(box.border_color);
  EXPECT_LE(color_distance(*box.border_color, Rgb{180, 180, 180}), 4);
  ASSERT_EQ(box.children.size(), 1u);
  EXPECT_EQ(box.children[0].box, cv::Rect(80, 80, 60, 40));
  EXPECT_LE(color_distance(*box.children[0].fill, Rgb{220, 0, 0}), 4);
}

TEST(Segmentation, NestsACardInsideASectionOfAnotherColour) {
  cv::Mat img(400, 400, CV_8UC3, kWhite);
  cv::rectangle(img, cv::Rect(0, 100, 400, 200), cv::Scalar(240, 240, 240), cv::FILLED);
  cv::rectangle(img, cv::Rect(40, 140, 150, 120), kWhite, cv::FILLED);
  auto regions = segment(img);
  ASSERT_EQ(regions.size(), 1u);
  ASSERT_EQ(regions[0].children.size(), 1u);
  EXPECT_EQ(regions[0].children[0].box, cv::Rect(40, 140, 150, 120));
  EXPECT_EQ(*regions[0].children[0].fill, (Rgb{255, 255, 255}));
}

TEST(Segmentation, ThinBarsAreDividersAndTextureIsAPicture) {
  cv::Mat img(300, 400, CV_8UC3, kWhite);
  cv::rectangle(img, cv::Rect(20, 50, 360, 1), cv::Scalar(200, 200, 200), cv::FILLED);
  cv::Mat patch = img(cv::Rect(100, 120, 120, 90));
  cv::randu(patch, 0, 200);
  auto regions = segment(img);
  ASSERT_EQ(regions.size(), 2u);
  EXPECT_EQ(regions[0].kind, ElementKind::kImage);
  EXPECT_EQ(regions[0].box, cv::Rect(100, 120, 120, 90));
  EXPECT_EQ(regions[1].kind, ElementKind::kDivider);
  EXPECT_EQ(regions[1].box, cv::Rect(20, 50, 360, 1));
}

TEST(Segmentation, ATexturedBackgroundIsOnePictureNotAThousandSpecks) {
  cv::Mat img(400, 600, CV_8UC3, kWhite);
  cv::Mat texture = img(cv::Rect(0, 0, 600, 200));
  cv::randu(texture, 0, 120);  // dark speckle, like a photo of coffee beans
  cv::rectangle(img, cv::Rect(100, 260, 200, 80), cv::Scalar(90, 160, 230), cv::FILLED);
  cv::Mat mask = difference_mask(img, cv::Rect(0, 0, 600, 400), Rgb{255, 255, 255}, 12);
  auto areas = textured_areas(img, cv::Rect(0, 0, 600, 400), mask);
  ASSERT_EQ(areas.size(), 1u);
  EXPECT_EQ(areas[0], cv::Rect(0, 0, 600, 200));
  auto regions = segment(img);
  ASSERT_EQ(regions.size(), 2u);
  EXPECT_EQ(regions[0].kind, ElementKind::kImage);
  EXPECT_EQ(regions[1].kind, ElementKind::kContainer);
}

TEST(Segmentation, AVerticalGradientIsFoundAndTakenOut) {
  cv::Mat img(400, 300, CV_8UC3);
  for (int y = 0; y < img.rows; ++y) {
    int v = 100 + y * 100 / img.rows;  // 100 at the top to 199 at the bottom
    img.row(y).setTo(cv::Scalar(v, v / 2, 40));
  }
  cv::rectangle(img, cv::Rect(60, 100, 180, 200), kWhite, cv::FILLED);
  auto gradient = find_vertical_gradient(img);
  ASSERT_TRUE(gradient);
  EXPECT_EQ(gradient->top, (Rgb{40, 50, 100}));
  cv::Mat flat = flatten_gradient(img, *gradient);
  auto regions = segment_regions(img, cv::Rect(0, 0, 300, 400), gradient->top, {}, flat);
  ASSERT_EQ(regions.size(), 1u);
  EXPECT_EQ(regions[0].box, cv::Rect(60, 100, 180, 200));
  EXPECT_EQ(*regions[0].fill, (Rgb{255, 255, 255}));
}

TEST(Segmentation, ABandIsNotAGradient) {
  cv::Mat img(400, 300, CV_8UC3, kWhite);
  cv::rectangle(img, cv::Rect(0, 0, 300, 56), cv::Scalar(41, 37, 33), cv::FILLED);
  EXPECT_FALSE(find_vertical_gradient(img));
}

TEST(Segmentation, EstimatesADropShadowBelowACard) {
  cv::Mat img(300, 300, CV_8UC3, kWhite);
  for (int i = 0; i < 8; ++i) {  // a soft shadow fading over 8 rows
    int shade = 255 - 2 * (8 - i);
    cv::rectangle(img, cv::Rect(50, 150 + i, 150, 1), cv::Scalar(shade, shade, shade), cv::FILLED);
  }
  cv::rectangle(img, cv::Rect(50, 50, 150, 100), cv::Scalar(250, 120, 60), cv::FILLED);
  auto regions = segment(img);
  ASSERT_GE(regions.size(), 1u);
  ASSERT_TRUE(regions[0].shadow);
  EXPECT_GT(regions[0].shadow->y, 0);
  EXPECT_GE(regions[0].shadow->blur, 4);
}

TEST(Segmentation, ErasingTextPaintsWordsWithTheirSurroundings) {
  cv::Mat img(100, 200, CV_8UC3, cv::Scalar(10, 200, 10));
  cv::putText(img, "Hi", {20, 60}, cv::FONT_HERSHEY_SIMPLEX, 1.5, cv::Scalar(0, 0, 0), 3);
  OcrLine line;
  line.words.push_back({"Hi", cv::Rect(18, 25, 50, 40), 90});
  cv::Mat erased = erase_text(img, {line});
  cv::Mat expected(100, 200, CV_8UC3, cv::Scalar(10, 200, 10));
  EXPECT_EQ(cv::norm(erased, expected, cv::NORM_INF), 0);
}

}  // namespace
}  // namespace od::image2code
