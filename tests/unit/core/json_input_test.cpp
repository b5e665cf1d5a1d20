#include "core/json_input.h"

#include <gtest/gtest.h>

#include "core/error.h"

namespace od::json_input {
namespace {

// Runs `f`, which must throw an ApiError, and returns it.
template <typename F>
ApiError api_error_of(F f) {
  try {
    f();
  } catch (const ApiError& e) {
    return e;
  }
  ADD_FAILURE() << "no ApiError thrown";
  return ApiError(0, "", "");
}

TEST(JsonInput, RejectsMalformedJson) {
  auto e = api_error_of([] { parse_object("{\"a\": 1,"); });
  EXPECT_EQ(e.status(), 400);
  EXPECT_EQ(e.code(), "malformed_json");
}

TEST(JsonInput, RejectsNonObjects) {
  EXPECT_EQ(api_error_of([] { parse_object("[1]"); }).code(), "malformed_json");
}

TEST(JsonInput, EnforcesTheDepthLimit) {
  std::string ok = std::string(3, '[');
  ok = "{\"a\":" + ok + std::string(3, ']') + "}";  // depth 4
  EXPECT_NO_THROW(parse_object(ok, 4));
  EXPECT_EQ(api_error_of([&] { parse_object(ok, 3); }).code(), "validation_failed");
  std::string hostile = "{\"a\":" + std::string(100000, '[');
  EXPECT_EQ(api_error_of([&] { parse_object(hostile); }).status(), 400);
}

TEST(JsonInput, RejectsInvalidUtf8) {
  EXPECT_EQ(api_error_of([] { parse_object("{\"a\":\"\xc3\x28\"}"); }).code(), "malformed_json");
}

TEST(JsonInput, StringFieldsCountCodePoints) {
  auto obj = parse_object("{\"name\":\"h\xc3\xa9llo\",\"n\":5}");
  EXPECT_EQ(*string_field(obj, "name", true, 1, 5), "h\xc3\xa9llo");
  auto e = api_error_of([&] { string_field(obj, "name", true, 1, 4); });
  EXPECT_EQ(e.code(), "validation_failed");
  EXPECT_EQ(e.details()["field"], "/name");
  EXPECT_EQ(api_error_of([&] { string_field(obj, "n", true, 1, 4); }).details()["field"], "/n");
  EXPECT_EQ(api_error_of([&] { string_field(obj, "missing", true, 1, 4); }).status(), 400);
  EXPECT_FALSE(string_field(obj, "missing", false, 1, 4).has_value());
}

TEST(JsonInput, IntBoolAndArrayFields) {
  auto obj = parse_object(
      "{\"n\":5,\"big\":18446744073709551615,\"f\":1.5,\"b\":true,\"tags\":[\"a\",\"bc\"]}");
  EXPECT_EQ(*int_field(obj, "n", true, 0, 10), 5);
  EXPECT_EQ(api_error_of([&] { int_field(obj, "n", true, 6, 10); }).code(), "validation_failed");
  EXPECT_EQ(api_error_of([&] { int_field(obj, "big", true, 0, 10); }).status(), 400);
  EXPECT_EQ(api_error_of([&] { int_field(obj, "f", true, 0, 10); }).status(), 400);
  EXPECT_TRUE(*bool_field(obj, "b", true));
  EXPECT_EQ(api_error_of([&] { bool_field(obj, "n", true); }).status(), 400);
  EXPECT_EQ(string_array_field(obj, "tags", 2, 2)->size(), 2u);
  EXPECT_EQ(api_error_of([&] { string_array_field(obj, "tags", 1, 2); }).status(), 400);
  EXPECT_EQ(api_error_of([&] { string_array_field(obj, "tags", 2, 1); }).status(), 400);
}

TEST(JsonInput, RejectsUnknownFields) {
  auto obj = parse_object("{\"name\":\"x\",\"nmae\":\"y\"}");
  auto e = api_error_of([&] { reject_unknown_fields(obj, {"name"}); });
  EXPECT_EQ(e.details()["field"], "/nmae");
  EXPECT_NO_THROW(reject_unknown_fields(obj, {"name", "nmae"}));
}

}  // namespace
}  // namespace od::json_input
