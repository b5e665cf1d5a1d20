// SharedBytes holds its own exact copy of the bytes, shared (not copied again) between holders
// and alive while any holds it, however the holders are copied, moved and dropped.
#include "collab/shared_bytes.h"

#include <gtest/gtest.h>

#include <span>
#include <stdexcept>
#include <thread>
#include <vector>

namespace od::collab {
namespace {

std::vector<std::uint8_t> bytes(const SharedBytes& b) {
  return std::vector<std::uint8_t>(b.view().begin(), b.view().end());
}

TEST(SharedBytes, DefaultAndEmptyHoldNothing) {
  EXPECT_EQ(SharedBytes().size(), 0u);
  EXPECT_TRUE(SharedBytes().view().empty());
  EXPECT_EQ(SharedBytes::copy({}).size(), 0u);
}

// Its length is 32 bits: more is refused before a byte is read or anything allocated (rooms
// refuse documents far smaller, so this guards the format, not a path clients reach).
TEST(SharedBytes, MoreThanFourGibibytesIsRefused) {
  std::uint8_t one = 0;
  std::span<const std::uint8_t> huge(&one, (std::size_t{1} << 32) + 1);  // never read
  EXPECT_THROW(SharedBytes::copy(huge), std::length_error);
}

TEST(SharedBytes, IsOnePointer) { EXPECT_EQ(sizeof(SharedBytes), sizeof(void*)); }

TEST(SharedBytes, CopiesTheBytesAndSharesThem) {
  std::vector<std::uint8_t> source = {1, 2, 3, 250};
  auto held = SharedBytes::copy(source);
  source[0] = 9;  // a copy: later changes to the source do not show
  auto shared = held;
  EXPECT_EQ(held.size(), 4u);
  EXPECT_EQ(bytes(held), (std::vector<std::uint8_t>{1, 2, 3, 250}));
  EXPECT_EQ(shared.view().data(), held.view().data());
}

TEST(SharedBytes, LivesWhileAnyHolderDoes) {
  SharedBytes kept;
  {
    auto first = SharedBytes::copy(std::vector<std::uint8_t>{7, 8});
    SharedBytes second = first;
    kept = std::move(second);
    EXPECT_EQ(second.size(), 0u);  // moved from
    first = SharedBytes();
  }
  EXPECT_EQ(bytes(kept), (std::vector<std::uint8_t>{7, 8}));
  kept = kept;  // self-assignment keeps it
  EXPECT_EQ(bytes(kept), (std::vector<std::uint8_t>{7, 8}));
}

TEST(SharedBytes, HoldersOnManyThreadsShareOneCopy) {
  auto original = SharedBytes::copy(std::vector<std::uint8_t>(1000, 42));
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([original] {  // each thread copies and drops it many times
      for (int i = 0; i < 10000; ++i) {
        SharedBytes copy = original;
        ASSERT_EQ(copy.view()[999], 42);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(original.size(), 1000u);
}

}  // namespace
}  // namespace od::collab
