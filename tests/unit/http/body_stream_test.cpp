// Streamed request bodies (RouteOptions::stream_body) and produced response bodies
// (Response::body_producer), driven through a real Server with raw sockets.
#include <gtest/gtest.h>
#include <sys/socket.h>

#include <future>
#include <thread>

#include "core/error.h"
#include "core/log.h"
#include "http/body_pipe.h"
#include "http/server.h"
#include "test_client.h"

namespace od::http {
namespace {

using testing::TestClient;
using namespace std::chrono_literals;

// Reads the whole streamed body, returning its size and a position-sensitive checksum.
std::pair<size_t, uint64_t> drain(BodyReader& reader) {
  std::string buf(10000, '\0');  // not a multiple of the pipe's chunk size, on purpose
  size_t total = 0;
  uint64_t sum = 0;
  while (size_t n = reader.read(buf.data(), buf.size())) {
    for (size_t i = 0; i < n; ++i) sum = sum * 31 + static_cast<unsigned char>(buf[i]);
    total += n;
  }
  return {total, sum};
}

std::string pattern(size_t size) {
  std::string s(size, '\0');
  for (size_t i = 0; i < size; ++i) s[i] = static_cast<char>((i * 7 + i / 251) & 0xff);
  return s;
}

uint64_t checksum(const std::string& s) {
  uint64_t sum = 0;
  for (unsigned char c : s) sum = sum * 31 + c;
  return sum;
}

class BodyStreamTest : public ::testing::Test {
 protected:
  BodyStreamTest() {
    log::set_level(log::Level::Error);
    RouteOptions streamed{.max_body_bytes = 64 << 20, .rate_class = "api", .summary = "sum"};
    streamed.stream_body = true;
    router_.add(
        Method::Post, "/sum",
        [](Request& r) {
          auto [size, sum] = drain(*r.body_reader);
          return Response::json(200, {{"size", size}, {"sum", std::to_string(sum)}});
        },
        streamed);
    // Waits for the test's go-ahead before reading, and reports how the read ended.
    router_.add(
        Method::Post, "/gated",
        [this](Request& r) {
          gate_.wait();
          try {
            auto [size, sum] = drain(*r.body_reader);
            outcome_.set_value("complete " + std::to_string(size));
          } catch (const ApiError& e) {
            outcome_.set_value(std::to_string(e.status()) + " " + e.code());
            throw;
          }
          return Response::no_content();
        },
        streamed);
    router_.add(
        Method::Post, "/refuse", [](Request&) -> Response { throw forbidden("No uploads here."); },
        streamed);
    RouteOptions small = streamed;
    small.max_body_bytes = 1000;
    router_.add(
        Method::Post, "/small",
        [](Request& r) {
          auto [size, sum] = drain(*r.body_reader);
          return Response::json(200, {{"size", size}});
        },
        small);
    router_.add(Method::Get, "/produced", [](Request& r) {
      size_t size = std::stoul(r.query("size").value_or("0"));
      bool lie = r.query("fail").has_value();
      Response response;
      response.headers.set("Content-Type", "application/octet-stream");
      response.content_length = size;
      response.body_producer = [size, lie](BodyWriter& out) {
        std::string all = pattern(size);
        for (size_t at = 0; at < size; at += 50000) {
          if (lie && at >= size / 2) throw std::runtime_error("disk gone");
          if (!out.write(all.substr(at, 50000))) return;
        }
      };
      return response;
    });
  }

  ~BodyStreamTest() override {
    if (!released_) release_.set_value();
    if (server_) server_->stop();
    if (runner_.joinable()) runner_.join();
  }

  void start(ServerOptions options = {}) {
    options.host = "127.0.0.1";
    options.port = 0;
    server_ = std::make_unique<Server>(options, router_,
                                       std::vector<Middleware>{request_id(), error_envelope()});
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
  std::promise<std::string> outcome_;
  std::unique_ptr<Server> server_;
  std::thread runner_;
  uint16_t port_ = 0;
};

nlohmann::json json_of(const testing::RawResponse& r) { return nlohmann::json::parse(r.body); }

TEST_F(BodyStreamTest, HandlerReadsAContentLengthBodyAsItArrives) {
  start();
  std::string body = pattern(5 << 20);
  TestClient client(port_);
  auto r = client.request("POST", "/sum", body);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json_of(r)["size"], body.size());
  EXPECT_EQ(json_of(r)["sum"], std::to_string(checksum(body)));
  // The connection stays usable for the next request.
  auto again = client.request("POST", "/sum", "abc");
  EXPECT_EQ(json_of(again)["size"], 3);
}

TEST_F(BodyStreamTest, HandlerReadsAChunkedBody) {
  start();
  TestClient client(port_);
  client.send(
      "POST /sum HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
      "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");
  auto r = client.read_response();
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json_of(r)["size"], 11);
  EXPECT_EQ(json_of(r)["sum"], std::to_string(checksum("hello world")));
}

TEST_F(BodyStreamTest, EmptyBodyReadsAsEnded) {
  start();
  TestClient client(port_);
  auto r = client.request("POST", "/sum", "");
  EXPECT_EQ(json_of(r)["size"], 0);
}

TEST_F(BodyStreamTest, ASlowReaderStopsTheServerReadingTheSocket) {
  start();
  TestClient client(port_);
  const size_t declared = 60 << 20;
  client.send("POST /gated HTTP/1.1\r\nHost: t\r\nContent-Length: " + std::to_string(declared) +
              "\r\n\r\n");
  // The handler does not read yet: the server must stop taking bytes once its small buffer and
  // the kernel's socket buffers are full, so a non-blocking sender soon hits EAGAIN. A server
  // that read the whole body first would accept all 60 MiB.
  std::string block(1 << 16, 'x');
  size_t sent = 0;
  auto deadline = std::chrono::steady_clock::now() + 5s;
  while (sent < declared && std::chrono::steady_clock::now() < deadline) {
    ssize_t n = ::send(client.fd(), block.data(), std::min(block.size(), declared - sent),
                       MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n > 0)
      sent += static_cast<size_t>(n);
    else
      std::this_thread::yield();
  }
  EXPECT_LT(sent, size_t{32} << 20) << "the server kept reading without a reader";
  release();
  // Now the reader drains and the rest flows.
  while (sent < declared) {
    ssize_t n =
        ::send(client.fd(), block.data(), std::min(block.size(), declared - sent), MSG_NOSIGNAL);
    ASSERT_GT(n, 0);
    sent += static_cast<size_t>(n);
  }
  EXPECT_EQ(outcome_.get_future().get(), "complete " + std::to_string(declared));
  EXPECT_EQ(client.read_response().status, 204);
}

TEST_F(BodyStreamTest, DeclaredLengthOverTheLimitIs413WithoutRunningTheHandler) {
  start();
  TestClient client(port_);
  client.send("POST /small HTTP/1.1\r\nHost: t\r\nContent-Length: 5000\r\n\r\n");
  auto r = client.read_response();
  EXPECT_EQ(r.status, 413);
  EXPECT_TRUE(client.wait_for_eof());
}

TEST_F(BodyStreamTest, ChunkedBodyOverTheLimitFailsTheReadWith413) {
  start();
  TestClient client(port_);
  std::string chunk(600, 'a');
  client.send("POST /small HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n258\r\n" +
              chunk + "\r\n258\r\n" + chunk + "\r\n0\r\n\r\n");
  auto r = client.read_response();
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(json_of(r)["error"]["code"], "payload_too_large");
}

TEST_F(BodyStreamTest, ClientDisconnectMidBodyIsAnErrorForTheHandler) {
  start();
  {
    TestClient client(port_);
    client.send("POST /gated HTTP/1.1\r\nHost: t\r\nContent-Length: 100000\r\n\r\n" +
                std::string(5000, 'x'));
  }  // gone after 5000 of 100000 bytes
  release();
  EXPECT_EQ(outcome_.get_future().get(), "400 body_incomplete");
}

TEST_F(BodyStreamTest, StalledClientIsCutOffWith408) {
  ServerOptions options;
  options.body_timeout = 300ms;
  start(options);
  release();
  TestClient client(port_);
  client.send("POST /gated HTTP/1.1\r\nHost: t\r\nContent-Length: 100000\r\n\r\nabc");
  EXPECT_EQ(outcome_.get_future().get(), "408 body_timeout");
}

TEST_F(BodyStreamTest, HandlerMayAnswerWithoutReadingAndTheConnectionCloses) {
  start();
  TestClient client(port_);
  client.send("POST /refuse HTTP/1.1\r\nHost: t\r\nContent-Length: 10000000\r\n\r\n" +
              std::string(1000, 'x'));
  auto r = client.read_response();
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.header("connection"), "close");
  EXPECT_TRUE(client.wait_for_eof());
}

TEST_F(BodyStreamTest, AnUploadInProgressDoesNotTakeTheWorkersOfOtherRequests) {
  ServerOptions options;
  options.worker_threads = 1;
  start(options);
  TestClient uploader(port_);
  uploader.send("POST /gated HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\n");
  // The upload's handler now waits (for the gate and for its body); the one ordinary worker is
  // still free.
  TestClient other(port_);
  auto r = other.request("GET", "/produced?size=10");
  EXPECT_EQ(r.status, 200);
  release();
  uploader.send("0123456789");
  EXPECT_EQ(outcome_.get_future().get(), "complete 10");
}

TEST_F(BodyStreamTest, ProducedBodyArrivesWholeWithItsLength) {
  start();
  TestClient client(port_);
  auto r = client.request("GET", "/produced?size=3000000");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.header("content-length"), "3000000");
  EXPECT_EQ(r.body, pattern(3000000));
  auto head = client.request("HEAD", "/produced?size=1234");
  EXPECT_EQ(head.header("content-length"), "1234");
  auto next = client.request("GET", "/produced?size=10");
  EXPECT_EQ(next.body, pattern(10));  // HEAD sent no body: the connection is still in step
}

TEST_F(BodyStreamTest, FailingProducerCutsTheConnectionShort) {
  start();
  TestClient client(port_);
  client.send("GET /produced?size=1000000&fail=1 HTTP/1.1\r\nHost: t\r\n\r\n");
  EXPECT_THROW(client.read_response(), std::runtime_error);  // eof in body
}

TEST(BodyPipe, ReadsAcrossChunksAndReportsFailure) {
  BodyPipe pipe(100);
  pipe.offer("hello ");
  pipe.offer("world");
  char buf[8];
  EXPECT_EQ(pipe.read(buf, 8), 8u);
  EXPECT_EQ(std::string(buf, 8), "hello wo");
  pipe.fail(bad_request("body_incomplete", "gone"));
  EXPECT_EQ(pipe.read(buf, 8), 3u);  // what arrived is still delivered
  EXPECT_THROW(pipe.read(buf, 8), ApiError);
}

TEST(BodyPipe, WriterBlocksWhileFullAndStopsWhenAbandoned) {
  BodyPipe pipe(10);
  EXPECT_TRUE(pipe.write(std::string(10, 'a')));
  std::thread reader([&] { pipe.abandon(); });
  EXPECT_FALSE(pipe.write("more"));  // blocked until the reader went away
  reader.join();
}

}  // namespace
}  // namespace od::http
