#include "assets/accept_format.h"

#include <gtest/gtest.h>

namespace od::assets {
namespace {

using media::Format;
const std::vector<Format> kAll = {Format::Webp, Format::Jpeg, Format::Png};

TEST(AcceptFormat, NoHeaderOrWildcardsTakeTheServersFirstChoice) {
  EXPECT_EQ(negotiate_format(std::nullopt, kAll), Format::Webp);
  EXPECT_EQ(negotiate_format("", kAll), Format::Webp);
  EXPECT_EQ(negotiate_format("*/*", kAll), Format::Webp);
  EXPECT_EQ(negotiate_format("image/*", kAll), Format::Webp);
}

TEST(AcceptFormat, ExactTypesAndQValuesDecide) {
  EXPECT_EQ(negotiate_format("image/png", kAll), Format::Png);
  EXPECT_EQ(negotiate_format("image/jpeg, image/webp;q=0.5", kAll), Format::Jpeg);
  EXPECT_EQ(negotiate_format("image/avif,image/webp,image/apng,image/*,*/*;q=0.8", kAll),
            Format::Webp);  // a browser
  EXPECT_EQ(negotiate_format("image/webp;q=0, image/*;q=0.9", kAll), Format::Jpeg);
  EXPECT_EQ(negotiate_format("IMAGE/PNG ; Q=1", kAll), Format::Png);
}

TEST(AcceptFormat, NothingAcceptableIsNothing) {
  EXPECT_FALSE(negotiate_format("text/html", kAll));
  EXPECT_FALSE(negotiate_format("image/png", {Format::Webp, Format::Jpeg}));
  EXPECT_FALSE(negotiate_format("image/*;q=0", kAll));
  EXPECT_FALSE(negotiate_format("image/webp;q=banana", {Format::Webp}));
}

}  // namespace
}  // namespace od::assets
