// The generate task's rules: the prompt (1..1000 characters), and the model's answer read as
// files only when every path is a safe relative path and counts and sizes are within bounds.
#include "ai/generate.h"

#include <gtest/gtest.h>

#include "ai/provider_error.h"
#include "core/error.h"

namespace od::ai {
namespace {

nlohmann::json files_answer(const nlohmann::json& files) { return {{"files", files}}; }

std::string rejection(const std::string& answer) {
  try {
    parse_generated_files(answer);
  } catch (const ProviderError& e) {
    EXPECT_EQ(e.kind(), ProviderErrorKind::Malformed);
    return e.what();
  }
  ADD_FAILURE() << "accepted " << answer.substr(0, 200);
  return "";
}

TEST(GenerateInput, AcceptsOneToAThousandCharacters) {
  EXPECT_EQ(parse_generate_input({{"prompt", "a todo app"}}), "a todo app");
  EXPECT_NO_THROW(parse_generate_input({{"prompt", std::string(1000, 'p')}}));
  for (const nlohmann::json& bad :
       {nlohmann::json{{"prompt", ""}}, nlohmann::json{{"prompt", "   "}},
        nlohmann::json{{"prompt", std::string(1001, 'p')}}, nlohmann::json{{"prompt", 5}},
        nlohmann::json::object()}) {
    try {
      parse_generate_input(bad);
      ADD_FAILURE() << "accepted " << bad.dump().substr(0, 80);
    } catch (const ApiError& e) {
      EXPECT_EQ(e.status(), 400);
      EXPECT_EQ(e.details()["field"], "/input/prompt");
    }
  }
  try {
    parse_generate_input({{"prompt", "x"}, {"stack", "vue"}}, "");
    ADD_FAILURE() << "accepted an unknown field";
  } catch (const ApiError& e) {
    EXPECT_EQ(e.details()["field"], "/stack");
  }
}

TEST(GenerateRequest, AsksForAJsonObject) {
  auto request = generate_request("a blog");
  EXPECT_TRUE(request.json_object);
  EXPECT_EQ(request.messages.back().content, "a blog");
  EXPECT_EQ(chat_request_body("m", request, true)["response_format"]["type"], "json_object");
}

TEST(GeneratedFiles, ReadsFilesBareOrFenced) {
  auto answer = files_answer({{{"path", "README.md"}, {"content", "# App"}},
                              {{"path", "client/src/App.tsx"}, {"content", "export {}"}}});
  auto files = parse_generated_files(answer.dump());
  ASSERT_EQ(files.size(), 2u);
  EXPECT_EQ(files[1].path, "client/src/App.tsx");
  EXPECT_EQ(files[1].content, "export {}");
  EXPECT_EQ(parse_generated_files("Here:\n```json\n" + answer.dump(2) + "\n```\n").size(), 2u);
}

TEST(GeneratedFiles, RefusesUnsafePaths) {
  for (const char* path : {"../etc/passwd", "/etc/passwd", "a/../../b", "a//b", "./a", "a/",
                           "C:\\x", "a b", "", "dir/.."}) {
    EXPECT_NE(
        rejection(files_answer({{{"path", path}, {"content", "x"}}}).dump()).find("unsafe path"),
        std::string::npos)
        << path;
  }
  EXPECT_FALSE(safe_relative_path(std::string(kMaxGeneratedPathBytes + 1, 'a')));
  EXPECT_TRUE(safe_relative_path("server/src/routes/@types/index.d.ts"));
  EXPECT_TRUE(safe_relative_path(".env.example"));
}

TEST(GeneratedFiles, RefusesWhatIsNotAProject) {
  EXPECT_NE(rejection("I cannot help with that.").find("not a JSON object"), std::string::npos);
  EXPECT_NE(rejection(R"({"files": []})").find("no files"), std::string::npos);
  EXPECT_NE(rejection(R"({"files": [{"path": "a"}]})").find("without"), std::string::npos);
  EXPECT_NE(
      rejection(files_answer({{{"path", "a"}, {"content", "1"}}, {{"path", "a"}, {"content", "2"}}})
                    .dump())
          .find("twice"),
      std::string::npos);
}

TEST(GeneratedFiles, BoundsCountsAndSizes) {
  nlohmann::json many = nlohmann::json::array();
  for (size_t i = 0; i <= kMaxGeneratedFiles; ++i) {
    many.push_back({{"path", "f" + std::to_string(i)}, {"content", ""}});
  }
  EXPECT_NE(rejection(files_answer(many).dump()).find("more than"), std::string::npos);
  EXPECT_NE(rejection(files_answer({{{"path", "big"},
                                     {"content", std::string(kMaxGeneratedFileBytes + 1, 'x')}}})
                          .dump())
                .find("over 1 MiB"),
            std::string::npos);
  nlohmann::json heavy = nlohmann::json::array();
  for (int i = 0; i < 9; ++i) {
    heavy.push_back({{"path", "f" + std::to_string(i)}, {"content", std::string(1 << 20, 'x')}});
  }
  EXPECT_NE(rejection(files_answer(heavy).dump()).find("larger than 8 MiB"), std::string::npos);
}

TEST(ContentTypes, ByExtension) {
  EXPECT_EQ(content_type_for("a/index.html"), "text/html; charset=utf-8");
  EXPECT_EQ(content_type_for("package.json"), "application/json");
  EXPECT_EQ(content_type_for("Makefile"), "text/plain; charset=utf-8");
  EXPECT_EQ(content_type_for("x.tsx"), "text/plain; charset=utf-8");
}

}  // namespace
}  // namespace od::ai
