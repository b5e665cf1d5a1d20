#include <gtest/gtest.h>

#include "core/percent_encoding.h"

namespace od {
namespace {

TEST(PercentEncoding, KeepsOnlyUnreservedCharacters) {
  EXPECT_EQ(percent_encode("a b&c=d/é~._-"), "a%20b%26c%3Dd%2F%C3%A9~._-");
  EXPECT_EQ(percent_encode("a b/c~d*"), "a%20b%2Fc~d%2A");
  EXPECT_EQ(percent_encode(std::string_view("\0\xff", 2)), "%00%FF");
}

TEST(PercentEncoding, KeepsSlashesInPathsWhenAsked) {
  EXPECT_EQ(percent_encode("ab/cd/e f", true), "ab/cd/e%20f");
}

}  // namespace
}  // namespace od
