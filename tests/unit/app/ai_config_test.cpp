// The AI provider settings: defaults (no provider), the usual precedence (flags > environment >
// file), bounds, and the start-up checks on a configured provider.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "app/application.h"
#include "app/config.h"

namespace od::app {
namespace {

class AiConfigTest : public ::testing::Test {
 protected:
  void TearDown() override {
    unsetenv("OPENDESIGN_AI_API_KEY");
    unsetenv("OPENDESIGN_AI_MODEL");
    std::filesystem::remove(file_);
    std::filesystem::remove_all(dir_);
  }
  std::filesystem::path file_ = std::filesystem::temp_directory_path() /
                                ("od-ai-config-" + std::to_string(getpid()) + ".json");
  std::filesystem::path dir_ =
      std::filesystem::temp_directory_path() / ("od-ai-app-" + std::to_string(getpid()));
};

TEST_F(AiConfigTest, NoProviderByDefault) {
  Config c = resolve_config({}, "");
  EXPECT_TRUE(c.ai_base_url.empty());
  EXPECT_EQ(c.ai_timeout_seconds, 120);
  EXPECT_EQ(c.ai_idle_timeout_seconds, 30);
  EXPECT_EQ(c.ai_max_attempts, 3);
  EXPECT_EQ(c.ai_breaker_failures, 5);
  EXPECT_EQ(c.ai_breaker_cooldown_seconds, 30);
}

TEST_F(AiConfigTest, FlagsBeatEnvironmentBeatsFile) {
  std::ofstream(file_) << R"({"ai-base-url": "http://file:11434/v1", "ai-model": "file-model",
                             "ai-breaker-failures": 7, "ai-api-key": "file-key"})";
  setenv("OPENDESIGN_AI_API_KEY", "env-key", 1);
  setenv("OPENDESIGN_AI_MODEL", "env-model", 1);
  Config c = resolve_config({{"ai-model", "flag-model"}}, file_.string());
  EXPECT_EQ(c.ai_base_url, "http://file:11434/v1");
  EXPECT_EQ(c.ai_breaker_failures, 7);
  EXPECT_EQ(c.ai_api_key, "env-key");
  EXPECT_EQ(c.ai_model, "flag-model");
}

TEST_F(AiConfigTest, BoundsAreChecked) {
  for (auto [name, value] : {std::pair{"ai-timeout-seconds", "0"},
                             {"ai-max-attempts", "11"},
                             {"ai-breaker-failures", "0"},
                             {"ai-idle-timeout-seconds", "x"},
                             {"ai-max-retry-wait-seconds", "601"}}) {
    EXPECT_THROW(resolve_config({{name, value}}, ""), std::invalid_argument) << name;
  }
}

TEST_F(AiConfigTest, AConfiguredProviderNeedsAnHttpUrlAndAModel) {
  Config c;
  c.data_dir = dir_.string();
  c.ai_base_url = "ftp://models.example/v1";
  c.ai_model = "m";
  EXPECT_THROW(Application{c}, std::invalid_argument);
  c.ai_base_url = "http://127.0.0.1:1/v1";
  c.ai_model = "";
  EXPECT_THROW(Application{c}, std::invalid_argument);
  c.ai_model = "m";
  EXPECT_NO_THROW(Application{c});
}

}  // namespace
}  // namespace od::app
