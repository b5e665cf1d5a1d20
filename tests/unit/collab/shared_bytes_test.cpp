// SharedBytes holds its own exact copy of the bytes, shared (not copied again) between holders.
#include "collab/shared_bytes.h"

#include <gtest/gtest.h>

#include <vector>

namespace od::collab {
namespace {

TEST(SharedBytes, DefaultHoldsNothing) {
  SharedBytes none;
  EXPECT_EQ(none.size(), 0u);
  EXPECT_TRUE(none.view().empty());
}

TEST(SharedBytes, CopiesTheBytesAndSharesThem) {
  std::vector<std::uint8_t> source = {1, 2, 3, 250};
  source.reserve(64);  // spare capacity is not kept
  auto held = SharedBytes::copy(source);
  source[0] = 9;  // a copy: later changes to the source do not show
  auto shared = held;
  EXPECT_EQ(held.size(), 4u);
  EXPECT_EQ(std::vector<std::uint8_t>(held.view().begin(), held.view().end()),
            (std::vector<std::uint8_t>{1, 2, 3, 250}));
  EXPECT_EQ(shared.view().data(), held.view().data());
}

}  // namespace
}  // namespace od::collab
