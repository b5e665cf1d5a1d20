#include "http/middleware.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include "core/error.h"

namespace od::http {
namespace {

Response run(const Middleware& m, Request& request, Next handler) {
  return run_chain({m}, request, handler);
}

Next returning(Response response) {
  return [response](Request&) { return response; };
}

std::string gunzip(const std::string& data) {
  z_stream z{};
  EXPECT_EQ(inflateInit2(&z, 15 + 16), Z_OK);
  std::string out(1 << 20, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(inflate(&z, Z_FINISH), Z_STREAM_END);
  out.resize(z.total_out);
  inflateEnd(&z);
  return out;
}

TEST(Chain, RunsOutermostFirst) {
  std::string trace;
  auto tag = [&trace](std::string name) -> Middleware {
    return [&trace, name](Request& r, const Next& next) {
      trace += name + ">";
      Response response = next(r);
      trace += "<" + name;
      return response;
    };
  };
  Request request;
  run_chain({tag("a"), tag("b")}, request, [&trace](Request&) {
    trace += "h";
    return Response::no_content();
  });
  EXPECT_EQ(trace, "a>b>h<b<a");
}

TEST(RequestId, KeepsAWellFormedClientIdAndReplacesOthers) {
  Request request;
  request.headers.set("X-Request-Id", "abc-123");
  auto r = run(request_id(), request, returning(Response::no_content()));
  EXPECT_EQ(r.headers.get("X-Request-Id"), "abc-123");
  Request hostile;
  hostile.headers.set("X-Request-Id", "bad id\"<script>");
  auto r2 = run(request_id(), hostile, returning(Response::no_content()));
  EXPECT_NE(r2.headers.get("X-Request-Id"), "bad id\"<script>");
  EXPECT_FALSE(hostile.context.request_id.empty());
}

TEST(ErrorEnvelope, RendersApiErrors) {
  Request request;
  request.context.request_id = "rid";
  auto r = run(error_envelope(), request, [](Request&) -> Response { throw too_many_requests(7); });
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(r.headers.get("Retry-After"), "7");
  auto body = nlohmann::json::parse(r.body);
  EXPECT_EQ(body["error"]["code"], "rate_limited");
  EXPECT_EQ(body["error"]["message"], "Too many requests; retry later.");
  EXPECT_TRUE(body["error"]["details"].is_object());
  EXPECT_EQ(body["requestId"], "rid");
}

TEST(ErrorEnvelope, HidesUnexpectedExceptions) {
  Request request;
  request.context.request_id = "rid";
  auto r = run(error_envelope(), request,
               [](Request&) -> Response { throw std::runtime_error("db password is hunter2"); });
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.body.find("hunter2"), std::string::npos);
  EXPECT_EQ(nlohmann::json::parse(r.body)["error"]["code"], "internal_error");
  EXPECT_FALSE(r.headers.get("Retry-After"));
}

TEST(Etag, RevalidatesWith304) {
  Request request;
  auto first = run(etag(), request, returning(Response::json(200, {{"a", 1}})));
  auto tag = first.headers.get("ETag");
  ASSERT_TRUE(tag);
  EXPECT_TRUE(tag->starts_with("W/\""));
  request.headers.set("If-None-Match", *tag);
  auto second = run(etag(), request, returning(Response::json(200, {{"a", 1}})));
  EXPECT_EQ(second.status, 304);
  EXPECT_TRUE(second.body.empty());
  auto changed = run(etag(), request, returning(Response::json(200, {{"a", 2}})));
  EXPECT_EQ(changed.status, 200);
  Request post;
  post.method = Method::Post;
  EXPECT_FALSE(run(etag(), post, returning(Response::json(200, {{"a", 1}}))).headers.get("ETag"));
}

TEST(Gzip, CompressesLargeTextWhenAccepted) {
  std::string big(5000, 'x');
  Request request;
  request.headers.set("Accept-Encoding", "br, gzip;q=0.8");
  auto r = run(gzip(1024), request, returning(Response::text(200, big, "application/json")));
  EXPECT_EQ(r.headers.get("Content-Encoding"), "gzip");
  EXPECT_EQ(r.headers.get("Vary"), "Accept-Encoding");
  EXPECT_LT(r.body.size(), big.size());
  EXPECT_EQ(gunzip(r.body), big);
}

TEST(Gzip, LeavesOtherResponsesAlone) {
  std::string big(5000, 'x');
  Request no_accept;
  EXPECT_FALSE(run(gzip(), no_accept, returning(Response::text(200, big, "text/plain")))
                   .headers.get("Content-Encoding"));
  Request request;
  request.headers.set("Accept-Encoding", "gzip");
  EXPECT_FALSE(run(gzip(), request, returning(Response::text(200, "tiny", "text/plain")))
                   .headers.get("Content-Encoding"));
  EXPECT_FALSE(run(gzip(), request, returning(Response::text(200, big, "image/png")))
                   .headers.get("Content-Encoding"));
  Request refused;
  refused.headers.set("Accept-Encoding", "gzip;q=0");
  EXPECT_FALSE(run(gzip(), refused, returning(Response::text(200, big, "text/plain")))
                   .headers.get("Content-Encoding"));
  // A byte range must stay a byte range of the stored representation.
  EXPECT_FALSE(run(gzip(), request, returning(Response::text(206, big, "image/svg+xml")))
                   .headers.get("Content-Encoding"));
  Response no_transform = Response::text(200, big, "text/plain");
  no_transform.headers.set("Cache-Control", "private, no-transform");
  EXPECT_FALSE(run(gzip(), request, returning(no_transform)).headers.get("Content-Encoding"));
}

TEST(SecurityHeaders, HstsOnlyOverTlsAndCspOnHtml) {
  Request plain;
  auto r = run(security_headers(), plain, returning(Response::json(200, {})));
  EXPECT_EQ(r.headers.get("X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(r.headers.get("X-Frame-Options"), "DENY");
  EXPECT_EQ(r.headers.get("Referrer-Policy"), "no-referrer");
  EXPECT_FALSE(r.headers.get("Strict-Transport-Security"));
  EXPECT_FALSE(r.headers.get("Content-Security-Policy"));
  Request secure;
  secure.secure = true;
  auto html = run(security_headers(), secure,
                  returning(Response::text(200, "<p>", "text/html; charset=utf-8")));
  EXPECT_EQ(html.headers.get("Strict-Transport-Security"), "max-age=31536000; includeSubDomains");
  EXPECT_EQ(html.headers.get("Content-Security-Policy"), "default-src 'self'");
}

TEST(Cors, AllowedOriginIsEchoed) {
  Request request;
  request.headers.set("Origin", "https://app.example");
  auto r = run(cors({"https://app.example"}), request, returning(Response::json(200, {})));
  EXPECT_EQ(r.headers.get("Access-Control-Allow-Origin"), "https://app.example");
  EXPECT_EQ(r.headers.get("Vary"), "Origin");
  EXPECT_EQ(r.headers.get("Access-Control-Allow-Credentials"), "false");
  auto any = run(cors({"*"}), request, returning(Response::json(200, {})));
  EXPECT_EQ(any.headers.get("Access-Control-Allow-Origin"), "https://app.example");
}

TEST(Cors, DisallowedOriginGetsNoHeaders) {
  Request request;
  request.headers.set("Origin", "https://evil.example");
  auto r = run(cors({"https://app.example"}), request, returning(Response::json(200, {})));
  EXPECT_FALSE(r.headers.get("Access-Control-Allow-Origin"));
}

TEST(Cors, AnswersPreflight) {
  Request request;
  request.method = Method::Options;
  request.headers.set("Origin", "https://app.example");
  request.headers.set("Access-Control-Request-Method", "PUT");
  bool reached = false;
  auto r = run(cors({"https://app.example"}), request, [&reached](Request&) {
    reached = true;
    return Response::json(405, {});
  });
  EXPECT_FALSE(reached);
  EXPECT_EQ(r.status, 204);
  EXPECT_NE(r.headers.get("Access-Control-Allow-Methods")->find("PUT"), std::string::npos);
  EXPECT_EQ(r.headers.get("Access-Control-Max-Age"), "600");
  EXPECT_TRUE(r.headers.get("Access-Control-Allow-Headers"));
}

TEST(ErrorResponse, HasTheEnvelopeShape) {
  auto r = error_response(404, "not_found", "Nope.", "rid", {{"what", "x"}});
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.headers.get("content-type"), "application/json");
  EXPECT_EQ(
      nlohmann::json::parse(r.body),
      (nlohmann::json{
          {"error", {{"code", "not_found"}, {"message", "Nope."}, {"details", {{"what", "x"}}}}},
          {"requestId", "rid"}}));
}

}  // namespace
}  // namespace od::http
