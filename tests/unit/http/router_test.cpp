#include "http/router.h"

#include <gtest/gtest.h>

namespace od::http {
namespace {

Response ok(Request&) { return Response::no_content(); }

TEST(Router, MatchesPathParameters) {
  Router router;
  router.add(Method::Get, "/api/v1/projects/{id}/files/{name}", ok);
  auto m = router.match(Method::Get, "/api/v1/projects/p1/files/logo.svg");
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.params.at("id"), "p1");
  EXPECT_EQ(m.params.at("name"), "logo.svg");
  EXPECT_EQ(router.match(Method::Get, "/api/v1/projects/p1/files").route, nullptr);
  EXPECT_EQ(router.match(Method::Get, "/api/v1/projects//files/x").route, nullptr);
}

TEST(Router, ExactSegmentsWinOverParameters) {
  Router router;
  router.add(Method::Get, "/projects/{id}", ok, {.summary = "param"});
  router.add(Method::Get, "/projects/new", ok, {.summary = "exact"});
  router.add(Method::Get, "/{a}/{b}", ok, {.summary = "both"});
  EXPECT_EQ(router.match(Method::Get, "/projects/new").route->options.summary, "exact");
  EXPECT_EQ(router.match(Method::Get, "/projects/42").route->options.summary, "param");
  EXPECT_EQ(router.match(Method::Get, "/other/42").route->options.summary, "both");
}

TEST(Router, DistinguishesNotFoundFromMethodNotAllowed) {
  Router router;
  router.add(Method::Get, "/items/{id}", ok);
  router.add(Method::Delete, "/items/{id}", ok);
  auto m = router.match(Method::Post, "/items/1");
  EXPECT_EQ(m.route, nullptr);
  EXPECT_EQ(m.allowed, (std::vector<Method>{Method::Get, Method::Delete}));
  auto missing = router.match(Method::Get, "/nothing");
  EXPECT_EQ(missing.route, nullptr);
  EXPECT_TRUE(missing.allowed.empty());
}

TEST(Router, HeadFallsBackToGet) {
  Router router;
  router.add(Method::Get, "/a", ok);
  EXPECT_NE(router.match(Method::Head, "/a").route, nullptr);
}

TEST(Router, RejectsPathsWithNul) {
  Router router;
  router.add(Method::Get, "/files/{name}", ok);
  auto m = router.match(Method::Get, std::string_view("/files/a\0b", 10));
  EXPECT_EQ(m.route, nullptr);
  EXPECT_TRUE(m.allowed.empty());
}

}  // namespace
}  // namespace od::http
