#include "engines/image2code/layout.h"

#include <gtest/gtest.h>

namespace od::image2code {
namespace {

Element box(ElementKind kind, cv::Rect r) {
  Element e;
  e.kind = kind;
  e.box = r;
  return e;
}

Element page(int w, int h) {
  Element p = box(ElementKind::kContainer, {0, 0, w, h});
  p.fill = Rgb{255, 255, 255};
  return p;
}

TEST(Layout, EqualGapsInARowBecomeAutoLayout) {
  Element p = page(400, 100);
  p.children = {box(ElementKind::kImage, {10, 20, 50, 40}),
                box(ElementKind::kImage, {76, 20, 50, 40}),
                box(ElementKind::kImage, {142, 20, 50, 40})};
  arrange(p);
  ASSERT_TRUE(p.layout);
  EXPECT_TRUE(p.layout->row);
  EXPECT_EQ(p.layout->gap, 16);
  EXPECT_EQ(p.layout->padding_left, 10);
  EXPECT_EQ(p.layout->padding_top, 20);
  EXPECT_EQ(p.layout->cross_align, "start");
  EXPECT_EQ(p.children.size(), 3u);
}

TEST(Layout, UnequalGapsStayAbsolute) {
  Element p = page(400, 100);
  p.children = {box(ElementKind::kImage, {10, 20, 50, 40}),
                box(ElementKind::kImage, {70, 20, 50, 40}),
                box(ElementKind::kImage, {200, 20, 50, 40})};
  arrange(p);
  EXPECT_FALSE(p.layout);
  EXPECT_EQ(p.children.size(), 3u);
}

TEST(Layout, RowsOfColumnsAreCutIntoGroups) {
  Element p = page(400, 300);
  // A title row, then two columns of two boxes each whose rows do not line up.
  p.children = {
      box(ElementKind::kText, {20, 10, 200, 30}), box(ElementKind::kImage, {20, 60, 100, 50}),
      box(ElementKind::kImage, {20, 120, 100, 50}), box(ElementKind::kImage, {200, 60, 100, 80}),
      box(ElementKind::kImage, {200, 150, 100, 20})};
  arrange(p);
  ASSERT_EQ(p.children.size(), 2u);
  EXPECT_EQ(p.children[0].kind, ElementKind::kText);
  const Element& columns = p.children[1];
  EXPECT_EQ(columns.kind, ElementKind::kGroup);
  EXPECT_EQ(columns.box, cv::Rect(20, 60, 280, 110));
  ASSERT_TRUE(columns.layout);
  EXPECT_TRUE(columns.layout->row);
  EXPECT_EQ(columns.layout->gap, 80);
  ASSERT_EQ(columns.children.size(), 2u);
  ASSERT_TRUE(columns.children[0].layout);
  EXPECT_FALSE(columns.children[0].layout->row);
  EXPECT_EQ(columns.children[0].layout->gap, 10);
}

TEST(Layout, CentredChildrenGetCentreAlignment) {
  Element p = page(300, 300);
  p.children = {box(ElementKind::kText, {100, 20, 100, 20}),
                box(ElementKind::kText, {50, 60, 200, 20})};
  arrange(p);
  ASSERT_TRUE(p.layout);
  EXPECT_FALSE(p.layout->row);
  EXPECT_EQ(p.layout->cross_align, "center");
  EXPECT_EQ(p.layout->gap, 20);
}

TEST(Layout, OverlappingChildrenStayFreeForm) {
  Element p = page(300, 300);
  p.children = {box(ElementKind::kImage, {0, 0, 300, 200}),
                box(ElementKind::kText, {20, 150, 100, 80})};
  arrange(p);
  EXPECT_FALSE(p.layout);
  EXPECT_EQ(p.children.size(), 2u);
}

TEST(Layout, TextGoesIntoTheContainerHoldingIt) {
  Element p = page(400, 400);
  Element card = box(ElementKind::kContainer, {50, 50, 200, 100});
  card.children = {box(ElementKind::kImage, {60, 60, 20, 20})};
  std::vector<Element> items;
  items.push_back(card);
  items.push_back(box(ElementKind::kText, {100, 100, 60, 20}));
  items.push_back(box(ElementKind::kText, {100, 300, 60, 20}));
  place_into_containers(p, std::move(items));
  ASSERT_EQ(p.children.size(), 2u);
  EXPECT_EQ(p.children[0].children.size(), 2u);
}

TEST(Layout, AButtonWithCentredLabelGetsPaddingAndCentre) {
  Element button = box(ElementKind::kContainer, {0, 0, 120, 40});
  button.children = {box(ElementKind::kText, {20, 10, 80, 20})};
  arrange(button);
  ASSERT_TRUE(button.layout);
  EXPECT_TRUE(button.layout->row);
  EXPECT_EQ(button.layout->padding_left, 20);
  EXPECT_EQ(button.layout->cross_align, "center");
}

}  // namespace
}  // namespace od::image2code
