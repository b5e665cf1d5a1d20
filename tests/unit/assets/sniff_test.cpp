// Content sniffing by magic bytes, and the canonical form of declared types.
#include "assets/sniff.h"

#include <gtest/gtest.h>

namespace od::assets {
namespace {

using namespace std::string_literals;

TEST(Sniff, RecognisesEachAcceptedType) {
  EXPECT_EQ(sniff_type("\x89PNG\r\n\x1a\n...."s), "image/png");
  EXPECT_EQ(sniff_type("\xff\xd8\xff\xe0...."s), "image/jpeg");
  EXPECT_EQ(sniff_type("GIF89a..."), "image/gif");
  EXPECT_EQ(sniff_type("RIFF\x10\0\0\0WEBPVP8 "s), "image/webp");
  EXPECT_EQ(sniff_type("\0\0\0\x18"
                       "ftypmp42...."s),
            "video/mp4");
  EXPECT_EQ(sniff_type("\0\0\0\x14"
                       "ftypqt  ...."s),
            "video/quicktime");
  EXPECT_EQ(sniff_type("\0\0\0\x08"
                       "wide...."s),
            "video/quicktime");
  EXPECT_EQ(sniff_type("\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\x82\x84webm"s), "video/webm");
  EXPECT_EQ(sniff_type("<?xml version=\"1.0\"?>\n<!-- hi -->\n<svg xmlns=\"...\">"),
            "image/svg+xml");
  EXPECT_EQ(sniff_type("\xef\xbb\xbf  <SVG>"s), "image/svg+xml");
}

TEST(Sniff, RefusesEverythingElse) {
  EXPECT_FALSE(sniff_type(""));
  EXPECT_FALSE(sniff_type("<!doctype html><html><svg></svg></html>"));
  EXPECT_FALSE(sniff_type("<svgfoo>"));
  EXPECT_FALSE(sniff_type("MZ\x90\0"s));
  EXPECT_FALSE(sniff_type("\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\x82\x88matroska"s));
  EXPECT_FALSE(sniff_type("RIFF\x10\0\0\0WAVE"s));
  EXPECT_FALSE(sniff_type("\x89PNG"));  // truncated signature
}

TEST(Sniff, CanonicalDeclaredTypes) {
  EXPECT_EQ(canonical_type("image/JPG; charset=x"), "image/jpeg");
  EXPECT_EQ(canonical_type(" image/png "), "image/png");
  EXPECT_EQ(canonical_type("video/mov"), "video/quicktime");
  EXPECT_FALSE(canonical_type("text/html"));
  EXPECT_FALSE(canonical_type(""));
}

}  // namespace
}  // namespace od::assets
