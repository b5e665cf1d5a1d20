// Drives a real Server on an ephemeral port with raw sockets.
#include "http/server.h"

#include <gtest/gtest.h>

#include <future>
#include <mutex>
#include <thread>

#include "core/log.h"
#include "core/metrics.h"
#include "test_client.h"

namespace od::http {
namespace {

using testing::TestClient;
using namespace std::chrono_literals;

// Polls `condition` until it holds or a generous deadline passes.
template <typename F>
bool eventually(F condition, std::chrono::milliseconds deadline = 10s) {
  auto end = std::chrono::steady_clock::now() + deadline;
  while (!condition()) {
    if (std::chrono::steady_clock::now() >= end) return false;
    std::this_thread::yield();
  }
  return true;
}

class ServerTest : public ::testing::Test {
 protected:
  ServerTest() {
    log::set_level(log::Level::Warn);
    router_.add(Method::Get, "/items/{id}", [](Request& r) {
      return Response::json(200, {{"id", r.param("id")}, {"q", r.query("q").value_or("")}});
    });
    router_.add(Method::Post, "/small",
                [](Request& r) { return Response::text(200, r.body, "text/plain"); },
                {.max_body_bytes = 16, .rate_class = "api", .summary = "echo"});
    router_.add(Method::Get, "/block", [this](Request&) {
      gate_.wait();
      return Response::text(200, "released", "text/plain");
    });
    router_.add(Method::Get, "/events", [this](Request&) {
      Response r;
      r.stream = make_stream(8);
      r.stream->on_close([this] { stream_closed_.set_value(); });
      stream_slot_.set_value(r.stream);
      return r;
    });
    router_.add(Method::Get, "/deferred", [this](Request&) {
      Response r;
      r.deferred = make_deferred();
      std::lock_guard lock(deferred_mutex_);
      deferred_.push_back(r.deferred);
      return r;
    });
  }

  size_t deferred_count() {
    std::lock_guard lock(deferred_mutex_);
    return deferred_.size();
  }

  ~ServerTest() override {
    if (!released_) release_.set_value();
    if (server_) server_->stop();
    if (runner_.joinable()) runner_.join();
  }

  void start(ServerOptions options = {}) {
    options.host = "127.0.0.1";
    options.port = 0;
    server_ = std::make_unique<Server>(
        options, router_,
        std::vector<Middleware>{request_id(), security_headers(), error_envelope()});
    port_ = server_->listen();
    runner_ = std::thread([this] { server_->run(); });
  }

  void release() {
    released_ = true;
    release_.set_value();
  }

  Router router_;
  std::promise<void> release_;
  std::shared_future<void> gate_ = release_.get_future().share();
  bool released_ = false;
  std::promise<std::shared_ptr<StreamChannel>> stream_slot_;
  std::promise<void> stream_closed_;
  std::mutex deferred_mutex_;
  std::vector<std::shared_ptr<DeferredResponse>> deferred_;
  std::unique_ptr<Server> server_;
  std::thread runner_;
  uint16_t port_ = 0;
};

nlohmann::json json_of(const testing::RawResponse& r) { return nlohmann::json::parse(r.body); }

TEST_F(ServerTest, GetWithPathParamsAndQuery) {
  start();
  TestClient c(port_);
  auto r = c.request("GET", "/items/a%20b?q=x+y%21");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(json_of(r)["id"], "a b");
  EXPECT_EQ(json_of(r)["q"], "x y!");
  EXPECT_EQ(r.header("x-content-type-options"), "nosniff");
  EXPECT_TRUE(r.header("x-request-id").has_value());
}

TEST_F(ServerTest, KeepAliveServesTwoRequestsOnOneSocket) {
  start();
  TestClient c(port_);
  EXPECT_EQ(json_of(c.request("GET", "/items/1"))["id"], "1");
  EXPECT_EQ(json_of(c.request("GET", "/items/2"))["id"], "2");
}

TEST_F(ServerTest, HeadHasNoBody) {
  start();
  TestClient c(port_);
  auto r = c.request("HEAD", "/items/1");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.header("content-length"),
            std::to_string(json_of(c.request("GET", "/items/1")).dump().size()));
}

TEST_F(ServerTest, NotFoundAndMethodNotAllowedUseTheEnvelope) {
  start();
  TestClient c(port_);
  auto missing = c.request("GET", "/nope");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(json_of(missing)["error"]["code"], "not_found");
  EXPECT_EQ(json_of(missing)["requestId"], *missing.header("x-request-id"));
  EXPECT_EQ(missing.header("x-frame-options"), "DENY");

  auto wrong = c.request("DELETE", "/items/1");
  EXPECT_EQ(wrong.status, 405);
  EXPECT_EQ(json_of(wrong)["error"]["code"], "method_not_allowed");
  EXPECT_FALSE(json_of(wrong)["requestId"].get<std::string>().empty());
  EXPECT_EQ(wrong.header("allow"), "GET");

  std::string metrics = metrics::render_prometheus();  // labelled by pattern, never raw path
  EXPECT_NE(metrics.find("http_requests_total{method=\"GET\",route=\"unmatched\",status=\"404\"}"),
            std::string::npos);
  EXPECT_NE(
      metrics.find("http_requests_total{method=\"DELETE\",route=\"unmatched\",status=\"405\"}"),
      std::string::npos);
  EXPECT_EQ(metrics.find("/nope"), std::string::npos);
}

TEST_F(ServerTest, BodyOverTheRouteLimitIs413AndCloses) {
  start();
  TestClient c(port_);
  c.send("POST /small HTTP/1.1\r\nHost: t\r\nContent-Length: 100000\r\n\r\n");
  auto r = c.read_response();
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(json_of(r)["error"]["code"], "payload_too_large");
  EXPECT_TRUE(c.wait_for_eof());

  TestClient chunked(port_);
  chunked.send(
      "POST /small HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
      "20\r\n" +
      std::string(32, 'x') + "\r\n0\r\n\r\n");
  EXPECT_EQ(chunked.read_response().status, 413);

  TestClient fits(port_);
  EXPECT_EQ(fits.request("POST", "/small", "hello").body, "hello");
}

TEST_F(ServerTest, HugeHeaderIs431) {
  ServerOptions options;
  options.max_header_bytes = 1024;
  start(options);
  TestClient c(port_);
  c.send("GET /items/1 HTTP/1.1\r\nHost: t\r\nX-Big: " + std::string(4096, 'a') + "\r\n\r\n");
  auto r = c.read_response();
  EXPECT_EQ(r.status, 431);
  EXPECT_EQ(json_of(r)["error"]["code"], "header_too_large");
}

TEST_F(ServerTest, MalformedRequestLineIs400AndTheServerKeepsServing) {
  start();
  TestClient bad(port_);
  bad.send("THIS IS NOT HTTP\r\n\r\n");
  EXPECT_EQ(bad.read_response().status, 400);
  EXPECT_TRUE(bad.wait_for_eof());
  TestClient good(port_);
  EXPECT_EQ(good.request("GET", "/items/1").status, 200);
}

TEST_F(ServerTest, EncodedNulInPathIs400) {
  start();
  TestClient c(port_);
  auto r = c.request("GET", "/items/a%00b");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(json_of(r)["error"]["code"], "bad_path");
}

TEST_F(ServerTest, SlowLorisIsCutOff) {
  ServerOptions options;
  options.header_timeout = 200ms;
  start(options);
  TestClient c(port_);
  c.send("GET /items/1 HTTP/1.1\r\nHost: t\r\nX-Sl");
  EXPECT_TRUE(c.wait_for_eof());
}

TEST_F(ServerTest, FullWorkerPoolAnswers503) {
  ServerOptions options;
  options.worker_threads = 1;
  options.worker_queue = 1;
  start(options);
  TestClient running(port_), queued(port_), refused(port_);
  running.send("GET /block HTTP/1.1\r\nHost: t\r\n\r\n");
  ASSERT_TRUE(eventually([&] { return server_->stats().workers_busy == 1; }));
  queued.send("GET /block HTTP/1.1\r\nHost: t\r\n\r\n");
  ASSERT_TRUE(eventually([&] { return server_->stats().worker_queue_depth == 1; }));
  auto r = refused.request("GET", "/items/1");
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(json_of(r)["error"]["code"], "overloaded");
  EXPECT_EQ(r.header("retry-after"), "1");
  release();
  EXPECT_EQ(running.read_response().body, "released");
  EXPECT_EQ(queued.read_response().body, "released");
}

TEST_F(ServerTest, StopLetsInFlightRequestsFinishAndRefusesNewOnes) {
  start();
  TestClient in_flight(port_);
  TestClient idle(port_);
  EXPECT_EQ(idle.request("GET", "/items/1").status, 200);
  in_flight.send("GET /block HTTP/1.1\r\nHost: t\r\n\r\n");
  ASSERT_TRUE(eventually([&] { return server_->stats().workers_busy == 1; }));
  server_->stop();
  EXPECT_TRUE(eventually([&] { return !TestClient(port_).connected(); }));
  EXPECT_TRUE(idle.wait_for_eof());  // idle keep-alive connections are closed
  release();
  auto r = in_flight.read_response();
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.header("connection"), "close");
  runner_.join();  // run() returns once drained
}

TEST_F(ServerTest, EventStreamDeliversChunksAndReportsDisconnect) {
  start();
  auto c = std::make_unique<TestClient>(port_);
  c->send("GET /events HTTP/1.1\r\nHost: t\r\n\r\n");
  auto slot = stream_slot_.get_future();
  ASSERT_EQ(slot.wait_for(10s), std::future_status::ready);
  auto stream = slot.get();
  ASSERT_TRUE(c->read_until("\r\n\r\n"));
  EXPECT_NE(c->pending().find("text/event-stream"), std::string::npos);
  EXPECT_TRUE(stream->push("data: one\n\n"));
  EXPECT_TRUE(c->read_until("data: one"));
  EXPECT_TRUE(stream->push("data: two\n\n"));
  EXPECT_TRUE(c->read_until("data: two"));
  EXPECT_EQ(server_->stats().open_streams, 1u);
  c.reset();  // the client goes away
  EXPECT_EQ(stream_closed_.get_future().wait_for(10s), std::future_status::ready);
  EXPECT_TRUE(stream->closed());
  EXPECT_FALSE(stream->push("data: late\n\n"));
  EXPECT_TRUE(eventually([&] { return server_->stats().open_streams == 0; }));
}

TEST_F(ServerTest, ProducerCloseEndsTheStream) {
  start();
  TestClient c(port_);
  c.send("GET /events HTTP/1.1\r\nHost: t\r\n\r\n");
  auto slot = stream_slot_.get_future();
  ASSERT_EQ(slot.wait_for(10s), std::future_status::ready);
  auto stream = slot.get();
  stream->push("data: bye\n\n");
  stream->close();
  EXPECT_TRUE(c.read_until("0\r\n\r\n"));  // the last chunk
  EXPECT_NE(c.pending().find("data: bye"), std::string::npos);
  EXPECT_TRUE(c.wait_for_eof());
  EXPECT_EQ(stream_closed_.get_future().wait_for(10s), std::future_status::ready);
}

TEST_F(ServerTest, DeferredResponsesHoldNoWorkerAndArriveWithTheMiddlewareHeaders) {
  ServerOptions options;
  options.worker_threads = 1;
  options.worker_queue = 8;
  start(options);
  std::vector<std::unique_ptr<TestClient>> waiting;
  for (int i = 0; i < 3; ++i) {
    waiting.push_back(std::make_unique<TestClient>(port_));
    waiting.back()->send("GET /deferred HTTP/1.1\r\nHost: t\r\n\r\n");
  }
  // Three requests wait on one worker thread, and it still serves others.
  ASSERT_TRUE(eventually([&] { return deferred_count() == 3; }));
  TestClient other(port_);
  EXPECT_EQ(other.request("GET", "/items/1").status, 200);
  for (int i = 2; i >= 0; --i) {
    std::shared_ptr<DeferredResponse> d;
    {
      std::lock_guard lock(deferred_mutex_);
      d = deferred_[static_cast<size_t>(i)];
    }
    EXPECT_TRUE(d->complete(Response::json(201, {{"n", i}})));
    EXPECT_FALSE(d->complete(Response::json(500, {})));  // the first answer wins
    auto r = waiting[static_cast<size_t>(i)]->read_response();
    EXPECT_EQ(r.status, 201);
    EXPECT_EQ(json_of(r)["n"], i);
    EXPECT_TRUE(r.header("x-request-id").has_value());
    EXPECT_EQ(r.header("x-content-type-options"), "nosniff");
  }
  // The connection stays usable after a deferred answer.
  EXPECT_EQ(json_of(waiting[0]->request("GET", "/items/7"))["id"], "7");
}

}  // namespace
}  // namespace od::http
