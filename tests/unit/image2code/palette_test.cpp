#include "engines/image2code/palette.h"

#include <gtest/gtest.h>

namespace od::image2code {
namespace {

Element filled(cv::Rect r, Rgb c) {
  Element e;
  e.kind = ElementKind::kContainer;
  e.box = r;
  e.fill = c;
  return e;
}

TEST(Palette, NearColoursSnapToTheMostUsedOne) {
  Element page = filled({0, 0, 1000, 1000}, {255, 255, 255});
  page.children = {
      filled({0, 0, 500, 100}, {13, 110, 253}), filled({0, 200, 50, 20}, {15, 108, 250}),
      filled({0, 300, 50, 20}, {250, 253, 255}), filled({0, 400, 50, 20}, {220, 53, 69})};
  auto palette = snap_colors(page);
  ASSERT_EQ(palette.size(), 3u);
  EXPECT_EQ(palette[0].color, (Rgb{255, 255, 255}));
  EXPECT_EQ(*page.children[1].fill, (Rgb{13, 110, 253}));
  EXPECT_EQ(*page.children[2].fill, (Rgb{255, 255, 255}));
  EXPECT_EQ(*page.children[3].fill, (Rgb{220, 53, 69}));
}

TEST(Palette, SpacingsSnapToAGridOnlyWhenTheDesignUsesOne) {
  Element page = filled({0, 0, 100, 100}, {255, 255, 255});
  LayoutEstimate on_grid;
  on_grid.gap = 16;
  on_grid.padding_top = 24;
  on_grid.padding_left = 8;
  LayoutEstimate off_by_one = on_grid;
  off_by_one.gap = 15;
  for (int i = 0; i < 3; ++i) {
    Element c = filled({0, 0, 10, 10}, {0, 0, 0});
    c.layout = i == 2 ? off_by_one : on_grid;
    page.children.push_back(c);
  }
  EXPECT_EQ(snap_spacing(page), 8);
  EXPECT_EQ(page.children[2].layout->gap, 16);

  Element scattered = filled({0, 0, 100, 100}, {255, 255, 255});
  for (double g : {5, 11, 13, 17, 23, 29, 31}) {
    Element c = filled({0, 0, 10, 10}, {0, 0, 0});
    c.layout = LayoutEstimate{};
    c.layout->gap = g;
    scattered.children.push_back(c);
  }
  EXPECT_EQ(snap_spacing(scattered), 0);
  EXPECT_EQ(scattered.children[0].layout->gap, 5);
}

}  // namespace
}  // namespace od::image2code
