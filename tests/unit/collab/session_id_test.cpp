// Session ids are held as 16 bytes and written as the canonical UUID text collab_sessions keeps.
#include "collab/session_id.h"

#include <gtest/gtest.h>

#include <set>

#include "core/ids.h"

namespace od::collab {
namespace {

TEST(SessionId, DefaultIsEmpty) { EXPECT_TRUE(SessionId().empty()); }

TEST(SessionId, GeneratedIdsAreDistinctCanonicalUuids) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    auto id = SessionId::generate();
    EXPECT_FALSE(id.empty());
    auto text = id.str();
    EXPECT_TRUE(is_valid_id(text)) << text;
    EXPECT_EQ(text[14], '7') << "a UUIDv7: " << text;
    EXPECT_TRUE(seen.insert(text).second) << text;
  }
}

TEST(SessionId, IsSixteenBytes) { EXPECT_EQ(sizeof(SessionId), 16u); }

}  // namespace
}  // namespace od::collab
