// Hostile design input through the one entry point the CLI uses (load_design_text): component
// loops, absurd sizes, a 100 MB string, nesting 10,000 deep and wrong types each give a clear
// error, never a crash, and the big ones are refused before the JSON is parsed.
#include <gtest/gtest.h>

#include <chrono>

#include "engines/design2code/design_input.h"

namespace od::design2code {
namespace {

using nlohmann::json;

std::string first_problem(std::string_view text) {
  try {
    load_design_text(text);
  } catch (const InvalidDocument& e) {
    return e.issues().at(0).path + ": " + e.issues().at(0).message;
  }
  return "";
}

TEST(BadInput, ComponentInstanceLoopsAreRejected) {
  json doc = {
      {"version", 1},
      {"children",
       json::array(
           {{{"id", "a"},
             {"type", "component"},
             {"children",
              json::array({{{"id", "ib"}, {"type", "instance"}, {"componentId", "b"}}})}},
            {{"id", "b"},
             {"type", "component"},
             {"children",
              json::array({{{"id", "ia"}, {"type", "instance"}, {"componentId", "a"}}})}}})}};
  std::string problem = first_problem(doc.dump());
  EXPECT_NE(problem.find("contains an instance of itself"), std::string::npos) << problem;
}

TEST(BadInput, AbsurdSizesAreRejectedWithTheirPath) {
  json doc = {{"version", 1},
              {"children", json::array({{{"id", "p"}, {"type", "frame"}, {"width", 1e300}}})}};
  EXPECT_EQ(first_problem(doc.dump()), "/children/0/width: must be between 0.0 and 1000000.0");
  json figma = {{"id", "1:2"},
                {"type", "FRAME"},
                {"absoluteBoundingBox", {{"x", 0}, {"y", 0}, {"width", 1e12}, {"height", 1}}}};
  EXPECT_EQ(first_problem(figma.dump()),
            "/absoluteBoundingBox/width: must be between 0.0 and 1000000.0");
}

TEST(BadInput, AHundredMegabyteStringIsRefusedBeforeParsing) {
  std::string text =
      R"({"version": 1, "name": ")" + std::string(100u << 20, 'a') + R"(", "children": []})";
  auto start = std::chrono::steady_clock::now();
  std::string problem = first_problem(text);
  auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(problem.rfind(": at byte 23: a string is longer than", 0), 0u) << problem;
  // One linear scan that stops at the limit, not a parse of 100 MB.
  EXPECT_LT(std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count(), 2000);
}

TEST(BadInput, NestingTenThousandDeepIsRefusedWithoutRecursion) {
  // As raw JSON arrays, and as a real chain of 10,000 nested frames.
  std::string arrays =
      R"({"version": 1, "children": )" + std::string(10000, '[') + std::string(10000, ']') + "}";
  EXPECT_NE(first_problem(arrays).find("nesting is deeper than"), std::string::npos);
  std::string frames = R"({"version": 1, "children": )";
  for (int i = 0; i < 10000; ++i) {
    frames += R"([{"id": "n)" + std::to_string(i) + R"(", "type": "frame", "children": )";
  }
  frames += "[]";
  for (int i = 0; i < 10000; ++i) frames += "}]";
  frames += "}";
  EXPECT_NE(first_problem(frames).find("nesting is deeper than"), std::string::npos);
  // Figma's own shape nests the same way.
  std::string figma;
  for (int i = 0; i < 10000; ++i)
    figma += R"({"id": "1:)" + std::to_string(i) + R"(", "type": "FRAME", "children": [)";
  for (int i = 0; i < 10000; ++i) figma += "]}";
  EXPECT_NE(first_problem(figma).find("nesting is deeper than"), std::string::npos);
}

TEST(BadInput, ThePreScanReadsStringsAsStrings) {
  // Brackets and escaped quotes inside a string are text, not nesting.
  std::string chars = std::string(2000, '[') + "\\\"" + std::string(2000, '{');
  std::string text = R"({"version": 1, "children": [{"id": "t", "type": "text", "text":
                        {"characters": ")" +
                     chars + R"("}}]})";
  Document doc = load_design_text(text);
  const std::string& got = doc.children.at(0).characters;
  EXPECT_EQ(got.size(), 4001u);  // the escaped quote decodes to one character
  EXPECT_EQ(got[2000], '"');
}

TEST(BadInput, WrongTypesAreReportedNotCrashedOn) {
  EXPECT_EQ(first_problem("[1, 2, 3]").rfind(": neither a canvas document", 0), 0u);
  EXPECT_EQ(first_problem("\"text\"").rfind(": neither a canvas document", 0), 0u);
  EXPECT_EQ(first_problem("{\"version\": 1, \"children\": {}}"),
            "/children: must be an array, not an object");
  EXPECT_EQ(first_problem(R"({"document": {"type": "DOCUMENT", "children": [{"type": "CANVAS",
            "children": [{"id": "1:2", "type": "FRAME", "name": 5}]}]}})"),
            "/document/children/0/children/0/name: must be a string, not a number");
  EXPECT_EQ(first_problem("{\"version\": 1, ").rfind(": not valid JSON", 0), 0u);
}

}  // namespace
}  // namespace od::design2code
