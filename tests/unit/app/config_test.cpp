// Configuration precedence: flags > OPENDESIGN_* environment > config file > defaults, and clear
// errors for bad values.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "app/config.h"

namespace od::app {
namespace {

class ConfigTest : public ::testing::Test {
 protected:
  void TearDown() override {
    unsetenv("OPENDESIGN_PORT");
    unsetenv("OPENDESIGN_DATA_DIR");
    unsetenv("OPENDESIGN_CONFIG");
    std::filesystem::remove(file_);
  }
  std::string write_file(const std::string& text) {
    std::ofstream(file_) << text;
    return file_.string();
  }
  std::filesystem::path file_ =
      std::filesystem::temp_directory_path() / ("od-config-" + std::to_string(getpid()) + ".json");
};

TEST_F(ConfigTest, DefaultsRunOnSqliteInDotData) {
  Config c = resolve_config({}, "");
  EXPECT_EQ(c.port, 8080);
  EXPECT_EQ(c.data_dir, "./data");
  EXPECT_EQ(c.database_url(), "sqlite:./data/opendesign.db");
}

TEST_F(ConfigTest, FlagsBeatEnvironmentBeatsFileBeatsDefaults) {
  std::string path = write_file(R"({"port": 7000, "data-dir": "/from/file", "log-level": "warn"})");
  Config from_file = resolve_config({}, path);
  EXPECT_EQ(from_file.port, 7000);
  EXPECT_EQ(from_file.log_level, "warn");

  setenv("OPENDESIGN_PORT", "7100", 1);
  Config from_env = resolve_config({}, path);
  EXPECT_EQ(from_env.port, 7100);
  EXPECT_EQ(from_env.data_dir, "/from/file");

  Config from_flag = resolve_config({{"port", "7200"}}, path);
  EXPECT_EQ(from_flag.port, 7200);
  EXPECT_EQ(from_flag.log_level, "warn");
}

TEST_F(ConfigTest, ConfigFileFromTheEnvironment) {
  setenv("OPENDESIGN_CONFIG",
         write_file(R"({"cors-origins": "https://a.example,https://b.example"})").c_str(), 1);
  Config c = resolve_config({}, "");
  EXPECT_EQ(c.cors_origins, (std::vector<std::string>{"https://a.example", "https://b.example"}));
}

TEST_F(ConfigTest, BadValuesAreRefusedWithTheirName) {
  EXPECT_THROW(resolve_config({{"port", "70000"}}, ""), std::invalid_argument);
  EXPECT_THROW(resolve_config({{"port", "80x"}}, ""), std::invalid_argument);
  EXPECT_THROW(resolve_config({{"rate-limits", "login"}}, ""), std::invalid_argument);
  EXPECT_THROW(resolve_config({}, write_file(R"({"colour": "blue"})")), std::invalid_argument);
  EXPECT_THROW(resolve_config({}, write_file("[1, 2")), std::invalid_argument);
  EXPECT_THROW(resolve_config({}, "/no/such/file.json"), std::invalid_argument);
  try {
    resolve_config({{"worker-threads", "0"}}, "");
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("worker-threads"), std::string::npos);
  }
}

TEST_F(ConfigTest, RateLimitOverridesParse) {
  Config c = resolve_config({{"rate-limits", "login=20,ip=5000"}}, "");
  EXPECT_EQ(c.rate_limits.at("login"), 20);
  EXPECT_EQ(c.rate_limits.at("ip"), 5000);
}

}  // namespace
}  // namespace od::app
