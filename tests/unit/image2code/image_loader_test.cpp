#include "engines/image2code/image_loader.h"

#include <gtest/gtest.h>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

namespace od::image2code {
namespace {

std::string encode(const cv::Mat& image, const std::string& ext) {
  std::vector<uchar> bytes;
  cv::imencode(ext, image, bytes);
  return std::string(bytes.begin(), bytes.end());
}

// A PNG made of a signature and an IHDR chunk only: the shape of a decompression bomb's header.
std::string png_header_only(uint32_t width, uint32_t height) {
  std::string b("\x89PNG\r\n\x1a\n", 8);
  b += std::string("\0\0\0\x0d", 4) + "IHDR";
  for (uint32_t v : {width, height}) {
    for (int shift = 24; shift >= 0; shift -= 8) b += static_cast<char>((v >> shift) & 0xFF);
  }
  b += std::string("\x08\x02\0\0\0", 5) + std::string(4, '\0');  // depth, RGB, CRC (unchecked)
  return b;
}

void expect_error(const std::string& bytes, const std::string& fragment) {
  try {
    load_image(bytes);
    FAIL() << "no error for " << fragment;
  } catch (const ImageError& e) {
    EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
  }
}

TEST(ImageLoader, DecodesPngToTheSamePixels) {
  cv::Mat image(40, 60, CV_8UC3, cv::Scalar(10, 20, 30));
  cv::rectangle(image, {5, 5, 10, 10}, cv::Scalar(200, 100, 50), cv::FILLED);
  cv::Mat loaded = load_image(encode(image, ".png"));
  ASSERT_EQ(loaded.size(), image.size());
  EXPECT_EQ(cv::norm(loaded, image, cv::NORM_INF), 0);
}

TEST(ImageLoader, ReadsJpegAndWebpSizesFromTheHeader) {
  cv::Mat image(33, 71, CV_8UC3, cv::Scalar(90, 90, 90));
  ImageHeader jpeg = read_header(encode(image, ".jpg"));
  EXPECT_EQ(jpeg.format, "jpeg");
  EXPECT_EQ(jpeg.width, 71);
  EXPECT_EQ(jpeg.height, 33);
  ImageHeader webp = read_header(encode(image, ".webp"));
  EXPECT_EQ(webp.format, "webp");
  EXPECT_EQ(webp.width, 71);
  EXPECT_EQ(webp.height, 33);
  EXPECT_EQ(load_image(encode(image, ".webp")).size(), image.size());
}

TEST(ImageLoader, RefusesADecompressionBombFromItsHeader) {
  std::string bomb = png_header_only(100000, 100000);
  EXPECT_LT(bomb.size(), 64u);
  expect_error(bomb, "at most 4096 x 16384 px");
}

TEST(ImageLoader, RefusesPicturesOverThePixelBudget) {
  expect_error(png_header_only(4096, 16384), "pixels; at most");
}

TEST(ImageLoader, RefusesAOnePixelStripBeyondTheHeightLimit) {
  expect_error(png_header_only(1, 100000), "1 x 100000 px");
}

TEST(ImageLoader, ExplainsTruncatedAndCorruptFiles) {
  cv::Mat noise(120, 120, CV_8UC3);
  cv::randu(noise, 0, 255);
  std::string png = encode(noise, ".png");
  expect_error(png.substr(0, png.size() / 2), "truncated or corrupt");
  expect_error(png.substr(0, 20), "cut short");
  expect_error("GIF89a not supported", "not a PNG, JPEG or WebP");
  expect_error("", "empty");
  std::string jpeg = encode(noise, ".jpg");
  expect_error(jpeg.substr(0, 3), "cut short");
}

TEST(ImageLoader, ComposesTransparencyOverWhite) {
  cv::Mat rgba(10, 10, CV_8UC4, cv::Scalar(0, 0, 0, 0));
  rgba(cv::Rect(0, 0, 5, 10)).setTo(cv::Scalar(0, 0, 255, 255));
  cv::Mat bgr = load_image(encode(rgba, ".png"));
  EXPECT_EQ(bgr.at<cv::Vec3b>(5, 8), cv::Vec3b(255, 255, 255));
  EXPECT_EQ(bgr.at<cv::Vec3b>(5, 1), cv::Vec3b(0, 0, 255));
}

TEST(ImageLoader, TurnsGreyPicturesIntoColour) {
  cv::Mat grey(8, 8, CV_8UC1, cv::Scalar(77));
  cv::Mat bgr = load_image(encode(grey, ".png"));
  EXPECT_EQ(bgr.type(), CV_8UC3);
  EXPECT_EQ(bgr.at<cv::Vec3b>(3, 3), cv::Vec3b(77, 77, 77));
}

}  // namespace
}  // namespace od::image2code
