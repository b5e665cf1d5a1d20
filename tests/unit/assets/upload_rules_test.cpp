// Small pure rules of uploads: Range headers and filename sanitising.
#include <gtest/gtest.h>

#include "assets/asset.h"
#include "assets/byte_range.h"

namespace od::assets {
namespace {

using Kind = RangeRequest::Kind;

TEST(ByteRange, ParsesSingleRanges) {
  auto r = parse_range("bytes=2-5", 10);
  EXPECT_EQ(r.kind, Kind::Partial);
  EXPECT_EQ(r.first, 2u);
  EXPECT_EQ(r.last, 5u);
  r = parse_range("bytes=7-", 10);
  EXPECT_EQ(r.first, 7u);
  EXPECT_EQ(r.last, 9u);
  r = parse_range("bytes=5-100", 10);  // clamped
  EXPECT_EQ(r.last, 9u);
  r = parse_range("bytes=-3", 10);
  EXPECT_EQ(r.first, 7u);
  EXPECT_EQ(r.last, 9u);
  r = parse_range("bytes=-30", 10);
  EXPECT_EQ(r.first, 0u);
}

TEST(ByteRange, UnsatisfiableAndIgnored) {
  EXPECT_EQ(parse_range("bytes=10-", 10).kind, Kind::Unsatisfiable);
  EXPECT_EQ(parse_range("bytes=-0", 10).kind, Kind::Unsatisfiable);
  EXPECT_EQ(parse_range(std::nullopt, 10).kind, Kind::Whole);
  for (const char* ignored : {"bytes=1-2,4-5", "items=1-2", "bytes=5-2", "bytes=a-b", "bytes=1",
                              "bytes=99999999999999999999-", "bytes=--1", "bytes=1-2x"}) {
    EXPECT_EQ(parse_range(ignored, 10).kind, Kind::Whole) << ignored;
  }
}

TEST(Filename, IsSanitised) {
  EXPECT_EQ(sanitize_filename("photo.png"), "photo.png");
  EXPECT_EQ(sanitize_filename("../../etc/passwd"), "passwd");
  EXPECT_EQ(sanitize_filename("C:\\Users\\x\\a b.jpg"), "a b.jpg");
  EXPECT_EQ(sanitize_filename("a\"b\r\n;c.svg"), "a_b___c.svg");
  EXPECT_EQ(sanitize_filename("...hidden"), "hidden");
  EXPECT_EQ(sanitize_filename("caf\xc3\xa9.png"), "caf__.png");
  EXPECT_EQ(sanitize_filename(""), "upload");
  EXPECT_EQ(sanitize_filename(std::string(500, 'a') + ".png").size(), 200u);
  EXPECT_TRUE(sanitize_filename(std::string(500, 'a') + ".png").ends_with(".png"));
}

}  // namespace
}  // namespace od::assets
