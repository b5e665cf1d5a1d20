// The SVG sanitiser: what it removes, what it keeps, what it refuses.
#include "assets/svg_sanitizer.h"

#include <gtest/gtest.h>

namespace od::assets {
namespace {

std::string clean(const std::string& svg) {
  auto out = sanitize_svg(svg);
  EXPECT_TRUE(out) << svg;
  return out.value_or("");
}

TEST(SvgSanitizer, KeepsOrdinaryDrawings) {
  std::string svg =
      "<?xml version=\"1.0\"?><svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 10 10\">"
      "<defs><linearGradient id=\"g\"/></defs><rect fill=\"url(#g)\" width=\"5\"/>"
      "<use href=\"#g\"/><text>a &amp; b</text></svg>";
  EXPECT_EQ(clean(svg), svg);
}

TEST(SvgSanitizer, RemovesScriptsAndTheirContent) {
  EXPECT_EQ(clean("<svg><script>alert(1)</script><g/></svg>"), "<svg><g/></svg>");
  EXPECT_EQ(clean("<svg><svg:script xmlns:svg=\"x\">a</svg:script></svg>"), "<svg></svg>");
  EXPECT_EQ(clean("<svg><script><![CDATA[ </script> ]]></script></svg>"), "<svg></svg>");
}

TEST(SvgSanitizer, RemovesForeignObjectsStylesAndEmbeds) {
  EXPECT_EQ(clean("<svg><foreignObject><div><foreignObject/></div></foreignObject><g/></svg>"),
            "<svg><g/></svg>");
  EXPECT_EQ(clean("<svg><style>@import url(http://x)</style><iframe src=\"x\"/></svg>"),
            "<svg></svg>");
}

TEST(SvgSanitizer, RemovesEventHandlersAndScriptUrls) {
  EXPECT_EQ(clean("<svg onload=\"x()\"><g ONCLICK='y()' id=\"a\"/></svg>"),
            "<svg><g id=\"a\"/></svg>");
  EXPECT_EQ(clean("<svg><a xlink:href=\"javascript:alert(1)\"/></svg>"), "<svg><a/></svg>");
  // Character references do not hide it.
  EXPECT_EQ(clean("<svg><a href=\"&#106;ava&#x73;cript&colon;x\"/></svg>"), "<svg><a/></svg>");
  EXPECT_EQ(clean("<svg><set attributeName=\"onmouseover\" to=\"alert(1)\"/></svg>"),
            "<svg><set to=\"alert(1)\"/></svg>");
  EXPECT_EQ(clean("<svg><animate attributeName=\"xlink:href\" values=\"javascript:x\"/></svg>"),
            "<svg><animate/></svg>");
}

TEST(SvgSanitizer, RemovesExternalReferences) {
  EXPECT_EQ(clean("<svg><image href=\"https://evil.example/a.png\"/></svg>"),
            "<svg><image/></svg>");
  EXPECT_EQ(clean("<svg><use xlink:href=\"other.svg#x\"/></svg>"), "<svg><use/></svg>");
  EXPECT_EQ(clean("<svg><rect style=\"fill: url( 'http://x/y' )\" fill=\"url(#ok)\"/></svg>"),
            "<svg><rect fill=\"url(#ok)\"/></svg>");
  EXPECT_EQ(clean("<svg><image href=\"data:image/png;base64,AAAA\"/></svg>"),
            "<svg><image/></svg>");
}

TEST(SvgSanitizer, DropsDoctypesEntitiesCommentsAndInstructions) {
  EXPECT_EQ(clean("<!DOCTYPE svg [<!ENTITY x \"&#60;script&#62;\">]><svg><!-- c --><?pi x?>"
                  "</svg>"),
            "<svg></svg>");
  EXPECT_EQ(clean("<?xml-stylesheet href=\"http://x/s.css\"?><svg/>"), "<svg/>");
}

TEST(SvgSanitizer, RefusesWhatItCannotFollow) {
  EXPECT_FALSE(sanitize_svg("<svg><rect"));
  EXPECT_FALSE(sanitize_svg("<svg><!-- never closed"));
  EXPECT_FALSE(sanitize_svg("<svg><script>never closed</svg>"));
  EXPECT_FALSE(sanitize_svg("<svg><rect width=5/></svg>"));  // unquoted attribute
  EXPECT_FALSE(sanitize_svg("<g/>"));                        // no svg root
  EXPECT_FALSE(sanitize_svg("<svg></script></svg>"));
}

}  // namespace
}  // namespace od::assets
