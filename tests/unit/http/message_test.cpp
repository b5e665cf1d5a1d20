#include "http/message.h"

#include <gtest/gtest.h>

namespace od::http {
namespace {

TEST(Headers, AreCaseInsensitiveAndKeepOrder) {
  Headers h;
  h.add("Set-Cookie", "a=1");
  h.add("set-cookie", "b=2");
  h.set("Content-Type", "text/plain");
  EXPECT_EQ(h.get("SET-COOKIE"), "a=1");
  EXPECT_EQ(h.all().size(), 3u);
  h.set("SET-COOKIE", "c=3");
  EXPECT_EQ(h.all().size(), 2u);
  EXPECT_EQ(h.get("set-cookie"), "c=3");
  h.remove("content-type");
  EXPECT_FALSE(h.get("Content-Type"));
}

TEST(Request, QueryDecodesPercentAndPlus) {
  Request r;
  r.query_string = "a=1&name=J%C3%B6rg+M%26M&flag&bad=%zz&name=second";
  EXPECT_EQ(r.query("a"), "1");
  EXPECT_EQ(r.query("name"), "J\xc3\xb6rg M&M");
  EXPECT_EQ(r.query("flag"), "");
  EXPECT_FALSE(r.query("bad"));
  EXPECT_FALSE(r.query("missing"));
}

TEST(Response, Factories) {
  auto j = Response::json(201, {{"ok", true}});
  EXPECT_EQ(j.status, 201);
  EXPECT_EQ(j.body, "{\"ok\":true}");
  EXPECT_EQ(j.headers.get("Content-Type"), "application/json");
  EXPECT_EQ(Response::no_content().status, 204);
  EXPECT_EQ(Response::text(200, "hi", "text/plain").headers.get("content-type"), "text/plain");
  EXPECT_EQ(method_name(Method::Delete), "DELETE");
}

TEST(Stream, BoundedBufferClosesOnOverflow) {
  auto s = make_stream(2);
  EXPECT_TRUE(s->push("a"));
  EXPECT_TRUE(s->push("b"));
  EXPECT_FALSE(s->push("c"));  // nobody drains it: a slow client is cut off
  EXPECT_TRUE(s->closed());
  EXPECT_FALSE(s->push("d"));
}

}  // namespace
}  // namespace od::http
