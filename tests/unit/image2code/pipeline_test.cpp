// The whole pipeline on synthetic screenshots, checked against the design-to-code engine: the
// document must parse, compile, and keep every node's id in the generated HTML.
#include "engines/image2code/pipeline.h"

#include <gtest/gtest.h>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "engines/design2code/document.h"
#include "engines/design2code/html_generator.h"

namespace od::image2code {
namespace {

std::string png(const cv::Mat& image) {
  std::vector<uchar> bytes;
  cv::imencode(".png", image, bytes);
  return std::string(bytes.begin(), bytes.end());
}

void collect_ids(const nlohmann::json& node, std::vector<std::string>& ids) {
  ids.push_back(node["id"]);
  if (node.contains("children")) {
    for (const auto& c : node["children"]) collect_ids(c, ids);
  }
}

const nlohmann::json& page_of(const Image2CodeResult& r) { return r.document["children"][0]; }

cv::Mat landing_page() {
  cv::Mat img(700, 1000, CV_8UC3, cv::Scalar(255, 255, 255));
  cv::rectangle(img, cv::Rect(0, 0, 1000, 70), cv::Scalar(41, 37, 33), cv::FILLED);  // nav band
  cv::putText(img, "BRAND", {30, 47}, cv::FONT_HERSHEY_DUPLEX, 1.0, cv::Scalar(255, 255, 255), 2,
              cv::LINE_AA);
  cv::putText(img, "WELCOME HOME", {300, 200}, cv::FONT_HERSHEY_DUPLEX, 1.6, cv::Scalar(30, 30, 30),
              2, cv::LINE_AA);
  cv::rectangle(img, cv::Rect(380, 260, 220, 56), cv::Scalar(253, 110, 13), cv::FILLED);  // button
  cv::putText(img, "START", {440, 298}, cv::FONT_HERSHEY_DUPLEX, 1.0, cv::Scalar(255, 255, 255), 2,
              cv::LINE_AA);
  cv::Mat photo = img(cv::Rect(100, 400, 300, 200));
  cv::randu(photo, 0, 255);
  cv::line(img, {0, 650}, {1000, 650}, cv::Scalar(200, 200, 200), 1);
  return img;
}

TEST(Pipeline, ALandingPageBecomesADocumentTheCodeEngineCompiles) {
  std::vector<std::string> stages;
  Image2CodeResult r =
      image_to_canvas(png(landing_page()), {}, [&](std::string_view s, int done, int total) {
        stages.emplace_back(s);
        EXPECT_EQ(total, 8);
        EXPECT_EQ(done, int(stages.size()));
      });
  EXPECT_EQ(stages.size(), 8u);
  EXPECT_EQ(r.timings.size(), 8u);
  const auto& page = page_of(r);
  EXPECT_EQ(page["width"], 1000);
  EXPECT_EQ(page["height"], 700);
  EXPECT_EQ(page["fills"][0]["color"], "#ffffff");
  std::string dump = r.document.dump();
  SCOPED_TRACE(r.document.dump(1));
  // Capitals come back in title case, set in uppercase: the render is the same.
  EXPECT_NE(dump.find("Welcome Home"), std::string::npos);
  EXPECT_NE(dump.find("\"textTransform\":\"uppercase\""), std::string::npos);
  EXPECT_NE(dump.find("\"semantic\":\"button\""), std::string::npos);
  ASSERT_EQ(r.assets.size(), 1u);
  EXPECT_EQ(r.assets.begin()->first, "image-1.png");
  EXPECT_NE(dump.find("\"assetId\":\"image-1.png\""), std::string::npos);

  design2code::Document doc = design2code::parse_document(r.document);
  auto files = design2code::generate_html(doc);
  const std::string& html = files.at("index.html");
  std::vector<std::string> ids;
  collect_ids(page, ids);
  EXPECT_GE(ids.size(), 6u);
  for (const auto& id : ids) {
    EXPECT_NE(html.find("data-node-id=\"" + id + "\""), std::string::npos) << id;
  }
  EXPECT_NE(html.find("<button"), std::string::npos);
  EXPECT_NE(html.find("src=\"assets/image-1.png\""), std::string::npos);
  EXPECT_NE(files.at("styles.css").find("text-transform: uppercase"), std::string::npos);
}

TEST(Pipeline, AnAllBlackPictureIsAnEmptyPage) {
  cv::Mat black(300, 400, CV_8UC3, cv::Scalar(0, 0, 0));
  Image2CodeResult r = image_to_canvas(png(black));
  EXPECT_EQ(page_of(r)["fills"][0]["color"], "#000000");
  EXPECT_TRUE(page_of(r)["children"].empty());
  EXPECT_NO_THROW(design2code::parse_document(r.document));
}

TEST(Pipeline, NoiseGivesATrivialDocument) {
  cv::Mat noise(400, 400, CV_8UC3);
  cv::randu(noise, 0, 255);
  Image2CodeResult r = image_to_canvas(png(noise));
  EXPECT_LE(page_of(r)["children"].size(), 2u);
  EXPECT_NO_THROW(design2code::parse_document(r.document));
}

TEST(Pipeline, AOnePixelStripIsHandled) {
  cv::Mat strip(16000, 1, CV_8UC3, cv::Scalar(255, 255, 255));
  strip(cv::Rect(0, 100, 1, 50)).setTo(cv::Scalar(0, 0, 0));
  Image2CodeResult r = image_to_canvas(png(strip));
  EXPECT_EQ(page_of(r)["height"], 16000);
  EXPECT_NO_THROW(design2code::parse_document(r.document));
}

TEST(Pipeline, UnreadablePicturesRaiseImageError) {
  EXPECT_THROW(image_to_canvas("not a picture"), ImageError);
  std::string truncated = png(landing_page());
  truncated.resize(truncated.size() / 3);
  EXPECT_THROW(image_to_canvas(truncated), ImageError);
}

}  // namespace
}  // namespace od::image2code
