#include "media/palette.h"

#include <gtest/gtest.h>

#include <vector>

namespace od::media {
namespace {

std::vector<uint8_t> pixels(std::initializer_list<std::pair<std::array<uint8_t, 3>, int>> runs) {
  std::vector<uint8_t> out;
  for (const auto& [colour, count] : runs) {
    for (int i = 0; i < count; ++i) out.insert(out.end(), colour.begin(), colour.end());
  }
  return out;
}

TEST(Palette, OneColourGivesOneSwatchWithTheWholeShare) {
  auto rgb = pixels({{{200, 10, 30}, 100}});
  auto palette = dominant_colours(rgb.data(), 100);
  ASSERT_EQ(palette.size(), 1u);
  EXPECT_EQ(palette[0].hex(), "#c80a1e");
  EXPECT_DOUBLE_EQ(palette[0].share, 1.0);
}

TEST(Palette, LargestShareFirst) {
  auto rgb = pixels({{{0, 0, 255}, 25}, {{255, 0, 0}, 75}});
  auto palette = dominant_colours(rgb.data(), 100);
  ASSERT_EQ(palette.size(), 2u);
  EXPECT_EQ(palette[0].hex(), "#ff0000");
  EXPECT_NEAR(palette[0].share, 0.75, 1e-9);
  EXPECT_EQ(palette[1].hex(), "#0000ff");
  EXPECT_NEAR(palette[1].share, 0.25, 1e-9);
}

TEST(Palette, NeverMoreThanAskedAndSharesAddUp) {
  std::vector<uint8_t> rgb;
  for (int i = 0; i < 4096; ++i) {
    rgb.push_back(static_cast<uint8_t>(i * 7));
    rgb.push_back(static_cast<uint8_t>(i * 13));
    rgb.push_back(static_cast<uint8_t>(i * 31));
  }
  auto palette = dominant_colours(rgb.data(), 4096, 8);
  EXPECT_EQ(palette.size(), 8u);
  double total = 0;
  for (const auto& s : palette) total += s.share;
  EXPECT_NEAR(total, 1.0, 1e-9);
  EXPECT_EQ(dominant_colours(rgb.data(), 4096, 3).size(), 3u);
}

TEST(Palette, NoPixelsNoPalette) { EXPECT_TRUE(dominant_colours(nullptr, 0).empty()); }

}  // namespace
}  // namespace od::media
