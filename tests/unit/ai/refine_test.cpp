// The refine task's input rules (checked at submit, so bad input never reaches the queue), the
// request it sends, and reading the code back out of the model's answer.
#include "ai/refine.h"

#include <gtest/gtest.h>

#include "core/error.h"

namespace od::ai {
namespace {

std::string field_of_error(const nlohmann::json& input) {
  try {
    parse_refine_input(input);
  } catch (const ApiError& e) {
    EXPECT_EQ(e.status(), 400);
    return e.details().value("field", "");
  }
  ADD_FAILURE() << "accepted " << input.dump();
  return "";
}

TEST(RefineInput, AcceptsCodeInstructionAndLanguage) {
  auto in =
      parse_refine_input({{"code", "let a = 1"}, {"instruction", "use const"}, {"language", "js"}});
  EXPECT_EQ(in.code, "let a = 1");
  EXPECT_EQ(in.instruction, "use const");
  EXPECT_EQ(*in.language, "js");
  EXPECT_FALSE(parse_refine_input({{"code", ""}, {"instruction", "write it"}}).language);
}

TEST(RefineInput, RejectsEachBadFieldByName) {
  EXPECT_EQ(field_of_error({{"instruction", "x"}}), "/input/code");
  EXPECT_EQ(field_of_error({{"code", 5}, {"instruction", "x"}}), "/input/code");
  EXPECT_EQ(
      field_of_error({{"code", std::string(kMaxRefineCodeBytes + 1, 'a')}, {"instruction", "x"}}),
      "/input/code");
  EXPECT_EQ(field_of_error({{"code", "a"}}), "/input/instruction");
  EXPECT_EQ(field_of_error({{"code", "a"}, {"instruction", "  \n "}}), "/input/instruction");
  EXPECT_EQ(field_of_error({{"code", "a"}, {"instruction", std::string(4001, 'i')}}),
            "/input/instruction");
  EXPECT_EQ(field_of_error({{"code", "a"}, {"instruction", "x"}, {"language", "c c"}}),
            "/input/language");
  EXPECT_EQ(field_of_error({{"code", "a"}, {"instruction", "x"}, {"language", 3}}),
            "/input/language");
  EXPECT_EQ(field_of_error({{"code", "a"}, {"instruction", "x"}, {"model", "gpt-5"}}),
            "/input/model");
}

TEST(RefineInput, TheBoundsAreInclusive) {
  EXPECT_NO_THROW(parse_refine_input(
      {{"code", std::string(kMaxRefineCodeBytes, 'a')}, {"instruction", std::string(4000, 'i')}}));
  // Characters, not bytes: 4000 two-byte characters are allowed.
  std::string accents;
  for (int i = 0; i < 4000; ++i) accents += "\xc3\xa9";
  EXPECT_NO_THROW(parse_refine_input({{"code", "a"}, {"instruction", accents}}));
}

TEST(RefineRequest, CarriesTheInstructionAndTheCode) {
  auto request = refine_request({"let a = 1", "use const", "js"});
  ASSERT_EQ(request.messages.size(), 2u);
  EXPECT_EQ(request.messages[0].role, "system");
  EXPECT_NE(request.messages[1].content.find("use const"), std::string::npos);
  EXPECT_NE(request.messages[1].content.find("```js\nlet a = 1\n```"), std::string::npos);
}

TEST(ExtractCode, TakesTheFencedBlockAndItsLanguage) {
  auto out = extract_code("Sure! Here it is:\n```tsx\nconst a = 1;\nconst b = 2;\n```\nEnjoy.");
  EXPECT_EQ(out.code, "const a = 1;\nconst b = 2;");
  EXPECT_EQ(*out.language, "tsx");
}

TEST(ExtractCode, PrefersTheLongestOfSeveralBlocks) {
  auto out = extract_code("Use `x`:\n```\nx\n```\nFull file:\n```css\n.a { color: red; }\n```\n");
  EXPECT_EQ(out.code, ".a { color: red; }");
  EXPECT_EQ(*out.language, "css");
}

TEST(ExtractCode, KeepsAnUnclosedBlockAndPlainAnswers) {
  EXPECT_EQ(extract_code("```py\nprint(1)\nprint(2)").code, "print(1)\nprint(2)");
  auto plain = extract_code("\n  const a = 1;\n\n");
  EXPECT_EQ(plain.code, "const a = 1;");
  EXPECT_FALSE(plain.language);
  EXPECT_EQ(extract_code("```\r\nwin\r\n```\r\n").code, "win");
}

}  // namespace
}  // namespace od::ai
