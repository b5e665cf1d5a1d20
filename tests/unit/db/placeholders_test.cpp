#include "db/placeholders.h"

#include <gtest/gtest.h>

namespace od::db {
namespace {

TEST(PlaceholdersTest, RewritesDollarParametersToNumberedOnes) {
  PlaceholderScan scan = scan_placeholders("SELECT * FROM t WHERE a = $2 AND b = $1 OR c = $2");
  EXPECT_EQ(scan.sqlite_sql, "SELECT * FROM t WHERE a = ?2 AND b = ?1 OR c = ?2");
  EXPECT_EQ(scan.highest, 2);
}

TEST(PlaceholdersTest, ReadsMultiDigitNumbers) {
  PlaceholderScan scan = scan_placeholders("VALUES ($10, $9)");
  EXPECT_EQ(scan.sqlite_sql, "VALUES (?10, ?9)");
  EXPECT_EQ(scan.highest, 10);
}

TEST(PlaceholdersTest, LeavesLiteralsIdentifiersAndCommentsAlone) {
  const std::string sql =
      "SELECT '$1 it''s $2', \"col$3\" -- $4 here\n/* $5 */ FROM t WHERE x = $1";
  PlaceholderScan scan = scan_placeholders(sql);
  EXPECT_EQ(scan.sqlite_sql,
            "SELECT '$1 it''s $2', \"col$3\" -- $4 here\n/* $5 */ FROM t WHERE x = ?1");
  EXPECT_EQ(scan.highest, 1);
}

TEST(PlaceholdersTest, LeavesADollarNotFollowedByADigit) {
  PlaceholderScan scan = scan_placeholders("SELECT $a, $, 'x'");
  EXPECT_EQ(scan.sqlite_sql, "SELECT $a, $, 'x'");
  EXPECT_EQ(scan.highest, 0);
}

TEST(PlaceholdersTest, SurvivesUnterminatedQuotesAndComments) {
  EXPECT_EQ(scan_placeholders("SELECT 'abc $1").sqlite_sql, "SELECT 'abc $1");
  EXPECT_EQ(scan_placeholders("SELECT 1 /* $1").sqlite_sql, "SELECT 1 /* $1");
  EXPECT_EQ(scan_placeholders("SELECT $1 -- x").sqlite_sql, "SELECT ?1 -- x");
}

}  // namespace
}  // namespace od::db
