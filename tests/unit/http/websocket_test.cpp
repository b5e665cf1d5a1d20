// Drives WebSocket routes on a real Server with Beast's client: the upgrade (and the HTTP errors
// before it, including a bad key or version), echo in order, pings answered, the message size
// limit, a backlog larger than the socket buffers, closes from either side, and drain.
#include <utility>  // Boost 1.74's asio/awaitable.hpp misses it

#include <sys/socket.h>
#include <sys/time.h>

#include <gtest/gtest.h>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

#include <future>
#include <thread>

#include "core/error.h"
#include "core/log.h"
#include "http/server.h"
#include "http/websocket.h"
#include "test_client.h"

namespace od::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = boost::beast::websocket;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;

// A message of the flood: its index, then a payload far larger than a socket's buffers.
std::string flood_message(int i) {
  return std::to_string(i) + ":" + std::string(256 * 1024, static_cast<char>('a' + i % 26));
}
constexpr int kFloodMessages = 48;

// Echoes binary messages; "close-me" makes it close with 1007, "flood" makes it send
// kFloodMessages flood messages at once.
class EchoSession : public WebSocketSession {
 public:
  void on_open(std::shared_ptr<WebSocketConnection> connection) override {
    connection_ = std::move(connection);
  }
  void on_message(std::string message, bool binary) override {
    if (message == "close-me") {
      connection_->close(close_code::kInvalidData, "bad input");
      return;
    }
    if (message == "flood") {
      for (int i = 0; i < kFloodMessages; ++i) connection_->send(flood_message(i));
      return;
    }
    connection_->send((binary ? "b:" : "t:") + message);
  }
  void on_close(std::uint16_t code) override { closed_.set_value(code); }

  std::future<std::uint16_t> closed() { return closed_.get_future(); }

 private:
  std::shared_ptr<WebSocketConnection> connection_;
  std::promise<std::uint16_t> closed_;
};

// A blocking client whose reads give up after a deadline, so a hung server fails the test.
class Client {
 public:
  explicit Client(uint16_t port) : ws_(ioc_) {
    ws_.next_layer().connect(tcp::endpoint(asio::ip::address_v4::loopback(), port));
    timeval tv{10, 0};
    ::setsockopt(ws_.next_layer().native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  }
  void handshake(const std::string& target) { ws_.handshake("127.0.0.1", target); }
  void send(const std::string& message) {
    ws_.binary(true);
    ws_.write(asio::buffer(message));
  }
  // The next message, or the close code when the server closed instead.
  std::variant<std::string, std::uint16_t> read() {
    beast::flat_buffer buffer;
    beast::error_code ec;
    ws_.read(buffer, ec);
    // The close frame may be followed by a reset (the server closed with our bytes unread), so
    // a received close code counts whatever the final error.
    if (ec && ws_.reason().code != websocket::close_code::none) {
      return static_cast<std::uint16_t>(ws_.reason().code);
    }
    if (ec) throw std::runtime_error("read failed: " + ec.message());
    return beast::buffers_to_string(buffer.data());
  }
  websocket::stream<tcp::socket>& ws() { return ws_; }

 private:
  asio::io_context ioc_;
  websocket::stream<tcp::socket> ws_;
};

class WebSocketTest : public ::testing::Test {
 protected:
  WebSocketTest() {
    log::set_level(log::Level::Warn);
    router_.add_websocket("/ws/{name...}",
                          [this](Request& request) -> std::shared_ptr<WebSocketSession> {
                            if (request.param("name") == "forbidden") {
                              throw ApiError(403, "forbidden", "Not for you.");
                            }
                            EXPECT_EQ(request.query("token"), "t1");
                            auto session = std::make_shared<EchoSession>();
                            closed_ = session->closed().share();
                            name_ = request.param("name");
                            return session;
                          },
                          {}, {.max_message_bytes = 1024, .max_queued_messages = 64});
  }
  ~WebSocketTest() override {
    if (server_) server_->stop();
    if (runner_.joinable()) runner_.join();
  }
  void start(int io_threads = 1) {
    ServerOptions options;
    options.host = "127.0.0.1";
    options.port = 0;
    options.io_threads = io_threads;  // as many WebSocket event loops
    server_ = std::make_unique<Server>(options, router_, std::vector<Middleware>{});
    port_ = server_->listen();
    runner_ = std::thread([this] { server_->run(); });
  }

  Router router_;
  std::unique_ptr<Server> server_;
  std::thread runner_;
  uint16_t port_ = 0;
  std::shared_future<std::uint16_t> closed_;
  std::string name_;
};

TEST_F(WebSocketTest, UpgradesAndEchoesInOrder) {
  start();
  Client client(port_);
  client.handshake("/ws/project/a/design?token=t1");
  EXPECT_EQ(name_, "project/a/design");
  for (int i = 0; i < 20; ++i) client.send("m" + std::to_string(i));
  for (int i = 0; i < 20; ++i) {
    EXPECT_EQ(std::get<std::string>(client.read()), "b:m" + std::to_string(i));
  }
  client.ws().close(websocket::close_code::normal);
  ASSERT_EQ(closed_.wait_for(10s), std::future_status::ready);
  EXPECT_EQ(closed_.get(), close_code::kNormal);
}

TEST_F(WebSocketTest, PlainGetIsAnsweredWith426) {
  start();
  testing::TestClient c(port_);
  auto r = c.request("GET", "/ws/x?token=t1");
  EXPECT_EQ(r.status, 426);
}

TEST_F(WebSocketTest, HandlerErrorIsAnsweredBeforeTheUpgrade) {
  start();
  testing::TestClient c(port_);
  c.send(testing::upgrade_request("/ws/forbidden"));
  auto r = c.read_response();
  EXPECT_EQ(r.status, 403);
}

TEST_F(WebSocketTest, UnsupportedVersionIsAnswered426WithTheVersionWeSpeak) {
  start();
  testing::TestClient c(port_);
  c.send(testing::upgrade_request("/ws/v?token=t1", "dGhlIHNhbXBsZSBub25jZQ==", "8"));
  auto r = c.read_response();
  EXPECT_EQ(r.status, 426);
  EXPECT_EQ(r.header("sec-websocket-version"), "13");
}

TEST_F(WebSocketTest, MalformedKeyIsAnswered400) {
  start();
  testing::TestClient c(port_);
  c.send(testing::upgrade_request("/ws/k?token=t1", "short"));
  auto r = c.read_response();
  EXPECT_EQ(r.status, 400);
}

TEST_F(WebSocketTest, AnswersTheRfcSampleKeyAndPings) {
  start();
  testing::TestClient raw(port_);
  raw.send(testing::upgrade_request("/ws/s?token=t1"));
  auto r = raw.read_response(true);
  EXPECT_EQ(r.status, 101);
  EXPECT_EQ(r.header("sec-websocket-accept"), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");  // RFC 6455 1.3

  Client client(port_);
  client.handshake("/ws/p?token=t1");
  std::string pong;
  client.ws().control_callback([&](websocket::frame_type kind, beast::string_view payload) {
    if (kind == websocket::frame_type::pong) pong = std::string(payload);
  });
  client.ws().ping("are you there");
  client.send("m");
  EXPECT_EQ(std::get<std::string>(client.read()), "b:m");  // the pong came first, on the way
  EXPECT_EQ(pong, "are you there");
}

// A peer that sends pings and never reads the pongs must not make the server buffer them without
// end: past the send bound it is dropped, like a peer that does not read its messages.
TEST_F(WebSocketTest, APeerThatPingsWithoutReadingIsDroppedNotBuffered) {
  start();
  testing::TestClient raw(port_);
  int small = 4096;
  ::setsockopt(raw.fd(), SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
  timeval tv{10, 0};
  ::setsockopt(raw.fd(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  raw.send(testing::upgrade_request("/ws/s?token=t1"));
  ASSERT_EQ(raw.read_response(true).status, 101);
  // A masked ping with the largest control payload (125 bytes); the mask is zero, so the payload
  // goes as it is.
  std::string ping = {static_cast<char>(0x89), static_cast<char>(0x80 | 125), 0, 0, 0, 0};
  ping.append(125, 'p');
  std::string burst;
  for (int i = 0; i < 512; ++i) burst += ping;
  bool dropped = false;
  // Up to ~67 MB of pings (half a million pongs owed); the bound of 64 queued frames is reached
  // once the kernel's buffers between us (a few MB) are full.
  for (int i = 0; i < 1000 && !dropped; ++i) {
    dropped = ::send(raw.fd(), burst.data(), burst.size(), MSG_NOSIGNAL) < 0;
  }
  EXPECT_TRUE(dropped) << "the server kept queueing pongs for a peer that never reads them";
}

// 12 MiB to a peer with a 64 KiB receive buffer: the server's writes stop part-way through frames
// many times and go on when the socket drains; every message must arrive whole and in order.
TEST_F(WebSocketTest, ABacklogLargerThanTheSocketBuffersArrivesWholeAndInOrder) {
  start();
  Client client(port_);
  int small = 64 * 1024;
  ::setsockopt(client.ws().next_layer().native_handle(), SOL_SOCKET, SO_RCVBUF, &small,
               sizeof small);
  client.handshake("/ws/flood?token=t1");
  client.ws().read_message_max(1 << 20);
  client.send("flood");
  for (int i = 0; i < kFloodMessages; ++i) {
    auto result = client.read();
    ASSERT_TRUE(std::holds_alternative<std::string>(result)) << "closed at message " << i;
    ASSERT_EQ(std::get<std::string>(result), flood_message(i)) << "message " << i;
  }
  client.send("still here");
  EXPECT_EQ(std::get<std::string>(client.read()), "b:still here");
}

TEST_F(WebSocketTest, OversizedMessageClosesWith1009) {
  start();
  Client client(port_);
  client.handshake("/ws/big?token=t1");
  client.send(std::string(2048, 'x'));
  auto result = client.read();
  ASSERT_TRUE(std::holds_alternative<std::uint16_t>(result));
  EXPECT_EQ(std::get<std::uint16_t>(result), close_code::kTooBig);
  ASSERT_EQ(closed_.wait_for(10s), std::future_status::ready);
}

TEST_F(WebSocketTest, SessionCloseSendsQueuedMessagesThenTheCloseCode) {
  start();
  Client client(port_);
  client.handshake("/ws/c?token=t1");
  client.send("before");
  client.send("close-me");
  client.send("after");  // may arrive after the close: never echoed
  EXPECT_EQ(std::get<std::string>(client.read()), "b:before");
  auto result = client.read();
  ASSERT_TRUE(std::holds_alternative<std::uint16_t>(result));
  EXPECT_EQ(std::get<std::uint16_t>(result), close_code::kInvalidData);
  ASSERT_EQ(closed_.wait_for(10s), std::future_status::ready);
}

TEST_F(WebSocketTest, StopClosesOpenSocketsWith1001) {
  start();
  Client client(port_);
  client.handshake("/ws/d?token=t1");
  client.send("hi");
  EXPECT_EQ(std::get<std::string>(client.read()), "b:hi");
  server_->stop();
  auto result = client.read();
  ASSERT_TRUE(std::holds_alternative<std::uint16_t>(result));
  EXPECT_EQ(std::get<std::uint16_t>(result), close_code::kGoingAway);
  runner_.join();  // run() returns once the socket is gone
  EXPECT_EQ(closed_.wait_for(0s), std::future_status::ready);
}

// With two network threads there are two WebSocket event loops, and connections are shared
// between them: each is served by its own loop and every one is closed by the drain.
TEST_F(WebSocketTest, ConnectionsOnSeveralLoopsAreServedAndDrained) {
  start(2);
  std::vector<std::unique_ptr<Client>> clients;
  for (int i = 0; i < 4; ++i) {
    clients.push_back(std::make_unique<Client>(port_));
    clients.back()->handshake("/ws/many?token=t1");
  }
  for (int round = 0; round < 3; ++round) {
    for (size_t i = 0; i < clients.size(); ++i) {
      clients[i]->send("m" + std::to_string(i) + "." + std::to_string(round));
    }
    for (size_t i = 0; i < clients.size(); ++i) {
      EXPECT_EQ(std::get<std::string>(clients[i]->read()),
                "b:m" + std::to_string(i) + "." + std::to_string(round));
    }
  }
  EXPECT_EQ(server_->stats().open_connections, clients.size());
  server_->stop();
  for (auto& client : clients) {
    auto result = client->read();
    ASSERT_TRUE(std::holds_alternative<std::uint16_t>(result));
    EXPECT_EQ(std::get<std::uint16_t>(result), close_code::kGoingAway);
  }
  runner_.join();
  EXPECT_EQ(server_->stats().open_connections, 0u);
}

}  // namespace
}  // namespace od::http
