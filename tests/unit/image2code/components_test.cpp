#include "engines/image2code/components.h"

#include <gtest/gtest.h>

#include "engines/image2code/layout.h"

namespace od::image2code {
namespace {

Element text(cv::Rect r, std::string s) {
  Element e;
  e.kind = ElementKind::kText;
  e.box = r;
  e.text = std::move(s);
  e.line_count = 1;
  return e;
}

Element container(cv::Rect r, Rgb fill) {
  Element e;
  e.kind = ElementKind::kContainer;
  e.box = r;
  e.fill = fill;
  return e;
}

Element page_with(std::vector<Element> children) {
  Element p = container({0, 0, 1280, 1000}, {255, 255, 255});
  p.children = std::move(children);
  return p;
}

TEST(Components, AFilledBoxWithOneCentredLabelIsAButton) {
  Element b = container({100, 500, 140, 44}, {13, 110, 253});
  b.radius = 6;
  b.children = {text({120, 512, 100, 20}, "Sign up")};
  Element p = page_with({b});
  recognise_components(p, 1280);
  EXPECT_EQ(p.children[0].role, "button");
}

TEST(Components, ALongBoxWithABorderAndLeftTextIsAnInput) {
  Element in = container({100, 600, 320, 38}, {255, 255, 255});
  in.border_color = Rgb{206, 212, 218};
  in.border_width = 1;
  in.children = {text({112, 609, 120, 20}, "Email address")};
  Element p = page_with({in});
  recognise_components(p, 1280);
  EXPECT_EQ(p.children[0].role, "input");
}

TEST(Components, ABandOfShortLinksAtTheTopIsANavBar) {
  Element bar = container({0, 0, 1280, 56}, {33, 37, 41});
  bar.children = {text({20, 18, 80, 20}, "Brand"), text({900, 18, 50, 20}, "Home"),
                  text({980, 18, 50, 20}, "About"), text({1060, 18, 60, 20}, "Contact")};
  Element p = page_with({bar});
  recognise_components(p, 1280);
  EXPECT_EQ(p.children[0].role, "nav");
}

TEST(Components, RepeatedAlikeChildrenInAutoLayoutAreAList) {
  Element p = page_with({});
  for (int i = 0; i < 3; ++i) {
    Element card = container({100 + i * 320, 300, 300, 200}, {248, 249, 250});
    card.radius = 8;
    card.children = {text({110 + i * 320, 310, 200, 24}, "Title"),
                     text({110 + i * 320, 340, 250, 40}, "Body")};
    p.children.push_back(card);
  }
  p.box = {0, 0, 1280, 700};
  arrange(p);
  recognise_components(p, 1280);
  // The three cards sit in one row group, which is the list.
  const Element* list = &p;
  if (list->children.size() == 1) list = &list->children[0];
  EXPECT_EQ(list->role, "list");
  ASSERT_EQ(list->children.size(), 3u);
  EXPECT_EQ(list->children[0].role, "card");
}

TEST(Components, PlainTextIsNotAComponent) {
  Element p = page_with({text({100, 100, 300, 20}, "Just a sentence")});
  recognise_components(p, 1280);
  EXPECT_EQ(p.children[0].role, "");
}

}  // namespace
}  // namespace od::image2code
