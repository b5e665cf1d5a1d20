#include <gtest/gtest.h>

#include "db/database.h"

namespace od::db {
namespace {

Row row(std::vector<Value> values) { return Row(std::move(values)); }

TEST(RowTest, ReadsEachTypeAsItself) {
  Row r = row({int64_t{-7}, 2.5, std::string("héllo"), nullptr});
  EXPECT_EQ(r.integer(0), -7);
  EXPECT_DOUBLE_EQ(r.real(1), 2.5);
  EXPECT_EQ(r.text(2), "héllo");
  EXPECT_TRUE(r.is_null(3));
  EXPECT_FALSE(r.is_null(0));
}

TEST(RowTest, NullReadsAsZeroOrEmpty) {
  Row r = row({nullptr});
  EXPECT_EQ(r.integer(0), 0);
  EXPECT_EQ(r.real(0), 0.0);
  EXPECT_EQ(r.text(0), "");
  EXPECT_FALSE(r.boolean(0));
  EXPECT_EQ(r.optional_text(0), std::nullopt);
  EXPECT_EQ(r.optional_integer(0), std::nullopt);
}

TEST(RowTest, ConvertsNumbersHeldAsTextAndBack) {
  Row r = row({std::string("42"), std::string("-1.5"), int64_t{12}, 0.1, std::string("12.0")});
  EXPECT_EQ(r.integer(0), 42);
  EXPECT_DOUBLE_EQ(r.real(1), -1.5);
  EXPECT_EQ(r.text(2), "12");
  EXPECT_EQ(r.text(3), "0.1");
  EXPECT_EQ(r.integer(4), 12);
  EXPECT_EQ(r.optional_integer(0), 42);
  EXPECT_EQ(r.optional_text(2), "12");
}

TEST(RowTest, ReadsWholeDoublesAsIntegers) {
  // PostgreSQL returns SUM(bigint) as numeric, which arrives as a double.
  Row r = row({400.0});
  EXPECT_EQ(r.integer(0), 400);
  EXPECT_TRUE(r.boolean(0));
}

TEST(RowTest, ThrowsOnValuesThatAreNotNumbers) {
  Row r = row({std::string("abc"), std::string(""), std::string("12abc"), 1e300});
  EXPECT_THROW(r.integer(0), std::runtime_error);
  EXPECT_THROW(r.integer(1), std::runtime_error);
  EXPECT_THROW(r.integer(2), std::runtime_error);
  EXPECT_THROW(r.real(0), std::runtime_error);
  EXPECT_THROW(r.integer(3), std::runtime_error);
}

TEST(RowTest, ThrowsOnAColumnOutOfRange) {
  Row r = row({int64_t{1}});
  EXPECT_THROW(r.integer(1), std::out_of_range);
}

}  // namespace
}  // namespace od::db
