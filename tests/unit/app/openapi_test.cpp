// The OpenAPI document and the route table stay in step: every registered route is documented
// with its method, and every documented operation is served.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>

#include "app/application.h"
#include "app/system_api.h"

namespace {

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

TEST(OpenApi, DocumentsEveryRouteAndNothingElse) {
  auto dir = std::filesystem::temp_directory_path() / ("od-openapi-" + std::to_string(getpid()));
  od::app::Config config;
  config.data_dir = dir.string();
  od::app::Application app(config);
  od::http::Router router;
  app.register_routes(router);

  auto doc = nlohmann::json::parse(od::openapi_document());
  std::set<std::string> served;
  for (const auto& route : router.routes()) {
    std::string method = lower(od::http::method_name(route.method));
    served.insert(method + " " + route.pattern);
    ASSERT_TRUE(doc["paths"].contains(route.pattern)) << route.pattern << " is not documented";
    EXPECT_TRUE(doc["paths"][route.pattern].contains(method))
        << method << " " << route.pattern << " is not documented";
  }
  for (const auto& [path, operations] : doc["paths"].items()) {
    for (const auto& [method, operation] : operations.items()) {
      EXPECT_TRUE(served.count(method + " " + path))
          << method << " " << path << " is documented but not served";
      EXPECT_TRUE(operation.contains("summary")) << method << " " << path;
    }
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
