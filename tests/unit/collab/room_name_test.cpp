// Room names map to exactly one project document; every other shape is refused.
#include "collab/room_name.h"

#include <gtest/gtest.h>

namespace od::collab {
namespace {

TEST(RoomName, ParsesDesignAndCodeRooms) {
  auto design = parse_room_name("project/abc-1/design");
  ASSERT_TRUE(design);
  EXPECT_EQ(design->project_id, "abc-1");
  EXPECT_EQ(design->document, "design");
  EXPECT_EQ(design->full(), "project/abc-1/design");
  auto code = parse_room_name("project/abc/code/src/app.tsx");
  ASSERT_TRUE(code);
  EXPECT_EQ(code->document, "code/src/app.tsx");
}

TEST(RoomName, RefusesEverythingElse) {
  for (const char* name : {"", "project", "project/", "project//design", "project/abc",
                           "project/abc/", "project/abc/designs", "project/abc/code",
                           "project/abc/code/", "project/abc/code/../x", "project/abc/code/a/./b",
                           "project/abc/code/a//b", "project/abc/code/a b", "project/a%2f/design",
                           "projects/abc/design", "other/abc/design", "project/abc/code/x\\y"}) {
    EXPECT_FALSE(parse_room_name(name)) << name;
  }
  EXPECT_FALSE(parse_room_name("project/" + std::string(65, 'a') + "/design"));
  EXPECT_FALSE(parse_room_name("project/abc/code/" + std::string(201, 'a')));
  EXPECT_TRUE(parse_room_name("project/abc/code/" + std::string(200, 'a')));
}

}  // namespace
}  // namespace od::collab
