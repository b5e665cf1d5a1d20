#include "media/render.h"

#include <gtest/gtest.h>

namespace od::media {
namespace {

TEST(RenderSpec, BoxesAreDigitsXDigitsWithinWebpLimits) {
  EXPECT_EQ(parse_box("256x128"), std::make_pair(256, 128));
  EXPECT_EQ(parse_box("1x16383"), std::make_pair(1, 16383));
  for (const char* bad : {"", "x", "256", "256x", "x256", "0x10", "10x0", "-1x10", "10x10x10",
                          "16384x1", "99999999999x1", " 1x1", "1x1 ", "1X1", "0x1A"}) {
    EXPECT_FALSE(parse_box(bad)) << bad;
  }
}

TEST(RenderSpec, FitsAndFormatsRoundTrip) {
  for (Fit fit : {Fit::Fit, Fit::Fill, Fit::Crop}) EXPECT_EQ(parse_fit(fit_name(fit)), fit);
  EXPECT_FALSE(parse_fit("cover"));
  for (Format f : {Format::Webp, Format::Jpeg, Format::Png}) {
    EXPECT_EQ(format_from_extension(format_extension(f)), f);
  }
  EXPECT_EQ(format_content_type(Format::Jpeg), "image/jpeg");
  EXPECT_FALSE(format_from_extension("gif"));
}

}  // namespace
}  // namespace od::media
