// The lean plain-TCP WebSocket's timeouts on a real Server, driven by a raw TCP peer that writes
// and reads frames by hand, so the test decides exactly what the server hears: pongs, nothing,
// or half a frame. With a short ping interval: a peer that answers pings stays connected and is
// pinged once per interval of silence; a silent peer, and one that stalls inside a frame, is cut
// after twice the interval, its session closed with 1006, its connection slot and its memory
// (the connection object and the partial frame it held) released. The TLS path (Beast's stream,
// websocket_stream.h) keeps the same contract, checked with Beast's own client.
#include <utility>  // Boost 1.74's asio headers miss it

#include <gtest/gtest.h>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include <atomic>
#include <chrono>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "core/log.h"
#include "http/server.h"
#include "http/websocket.h"
#include "self_signed_cert.h"
#include "test_client.h"

namespace od::http {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// Long enough that a peer answers a ping well inside it on a loaded machine, short enough that
// several intervals pass in about a second.
constexpr auto kInterval = 250ms;
// Bounds every wait: a server that ignores the configured interval (and pings at its 30 s
// default) fails the test instead of hanging it.
constexpr auto kDeadline = 20 * kInterval;

constexpr std::uint8_t kOpBinary = 0x2, kOpPing = 0x9, kOpPong = 0xA;

// Records what the server tells it; echoes messages so a test can see the connection works.
class RecordingSession : public WebSocketSession {
 public:
  void on_open(std::shared_ptr<WebSocketConnection> connection) override {
    opened_.set_value(connection);  // weakly: the test watches it being freed
    connection_ = std::move(connection);
  }
  void on_message(std::string message, bool) override { connection_->send(std::move(message)); }
  void on_close(std::uint16_t code) override {
    connection_.reset();
    closed_.set_value(code);
  }

  std::future<std::weak_ptr<WebSocketConnection>> opened() { return opened_.get_future(); }
  std::future<std::uint16_t> closed() { return closed_.get_future(); }

 private:
  std::shared_ptr<WebSocketConnection> connection_;
  std::promise<std::weak_ptr<WebSocketConnection>> opened_;
  std::promise<std::uint16_t> closed_;
};

// A WebSocket client written by hand over a plain TCP socket.
class RawPeer {
 public:
  struct Frame {
    std::uint8_t opcode;
    std::string payload;
  };

  explicit RawPeer(uint16_t port) : tcp_(port) {}

  // Sends the upgrade request; true when the server answered 101. False when it refused the
  // connection (closed it without an answer).
  bool upgrade() {
    tcp_.send(testing::upgrade_request("/ws"));
    if (!tcp_.read_until("\r\n\r\n")) return false;
    bool switched = tcp_.read_response(true).status == 101;
    buffer_ = tcp_.pending();  // frames that came with the answer
    return switched;
  }

  // The next frame the server sends, or nothing when it closed the connection. Fails the test
  // (by throwing) when neither happens before `deadline`.
  std::optional<Frame> next_frame(Clock::duration deadline = kDeadline) {
    const auto end = Clock::now() + deadline;
    for (;;) {
      if (auto frame = parse()) return frame;
      if (Clock::now() >= end)
        throw std::runtime_error("no frame and no close before the deadline");
      bool eof = false;
      buffer_ += tcp_.read_some(100ms, eof);
      if (eof) return std::nullopt;
    }
  }

  // A masked frame with FIN set (payload under 126 bytes); `declared` > payload sends a frame
  // header announcing more than follows, i.e. half a frame.
  void send_frame(std::uint8_t opcode, const std::string& payload, size_t declared = 0) {
    declared = std::max(declared, payload.size());
    std::string frame = {static_cast<char>(0x80 | opcode)};
    if (declared < 126) {
      frame += static_cast<char>(0x80 | declared);
    } else {
      frame += static_cast<char>(0x80 | 126);
      frame += static_cast<char>(declared >> 8);
      frame += static_cast<char>(declared & 0xff);
    }
    frame.append(4, '\0');  // a zero mask: the payload goes as it is
    tcp_.send(frame + payload);
  }

 private:
  // One whole unmasked server frame from the front of the buffer, if there is one.
  std::optional<Frame> parse() {
    if (buffer_.size() < 2) return std::nullopt;
    const auto byte = [&](size_t i) { return static_cast<std::uint8_t>(buffer_[i]); };
    size_t length = byte(1) & 0x7f, header = 2;
    if (length == 126) {
      if (buffer_.size() < 4) return std::nullopt;
      length = size_t(byte(2)) << 8 | byte(3);
      header = 4;
    } else if (length == 127) {
      if (buffer_.size() < 10) return std::nullopt;
      length = 0;
      for (size_t i = 2; i < 10; ++i) length = length << 8 | byte(i);
      header = 10;
    }
    if (buffer_.size() < header + length) return std::nullopt;
    Frame frame{static_cast<std::uint8_t>(byte(0) & 0x0f), buffer_.substr(header, length)};
    buffer_.erase(0, header + length);
    return frame;
  }

  testing::TestClient tcp_;
  std::string buffer_;
};

// Beast's client over TLS, trusting only the test's certificate. It reads (answering pings, as
// Beast does while reading) only once answer_pings() is called; until then it is silent.
class TlsPeer {
 public:
  TlsPeer(uint16_t port, const std::string& cert_file)
      : tls_(boost::asio::ssl::context::tls_client), ws_(ioc_, tls_) {
    namespace asio = boost::asio;
    tls_.load_verify_file(cert_file);
    ws_.next_layer().set_verify_mode(asio::ssl::verify_peer);
    boost::beast::get_lowest_layer(ws_).connect(
        asio::ip::tcp::endpoint(asio::ip::address_v4::loopback(), port));
    ws_.next_layer().handshake(asio::ssl::stream_base::client);
    ws_.handshake("127.0.0.1", "/ws");
  }
  ~TlsPeer() {
    boost::asio::post(ioc_, [this] {
      boost::system::error_code ignored;
      boost::beast::get_lowest_layer(ws_).close(ignored);  // ends the pending read
    });
    if (reader_.joinable()) reader_.join();
  }

  void answer_pings() {
    ws_.control_callback([this](boost::beast::websocket::frame_type kind, auto) {
      if (kind == boost::beast::websocket::frame_type::ping) ++pings_;
    });
    read_next();
    reader_ = std::thread([this] { ioc_.run(); });
  }
  int pings() const { return pings_; }

 private:
  void read_next() {
    ws_.async_read(buffer_, [this](boost::system::error_code ec, size_t) {
      buffer_.clear();
      if (!ec) read_next();
    });
  }

  boost::asio::io_context ioc_;
  boost::asio::ssl::context tls_;
  boost::beast::websocket::stream<boost::asio::ssl::stream<boost::asio::ip::tcp::socket>> ws_;
  boost::beast::flat_buffer buffer_;
  std::atomic<int> pings_ = 0;
  std::thread reader_;
};

class WebSocketTimeoutsTest : public ::testing::Test {
 protected:
  WebSocketTimeoutsTest() {
    log::set_level(log::Level::Warn);
    router_.add_websocket("/ws",
                          [this](Request&) -> std::shared_ptr<WebSocketSession> {
                            auto session = std::make_shared<RecordingSession>();
                            std::lock_guard lock(mutex_);
                            sessions_.push_back(session);
                            opened_.push_back(session->opened().share());
                            closed_.push_back(session->closed().share());
                            return session;
                          },
                          {}, {.ping_interval = kInterval});
  }
  ~WebSocketTimeoutsTest() override {
    if (server_) server_->stop();
    if (runner_.joinable()) runner_.join();
  }
  void start(size_t max_connections = 100, bool tls = false) {
    ServerOptions options;
    options.host = "127.0.0.1";
    options.port = 0;
    options.max_connections = max_connections;
    if (tls) {
      options.tls_cert_file = cert_file();
      options.tls_key_file = cert_dir_.path + "/key.pem";
      testing::write_self_signed(options.tls_cert_file, options.tls_key_file);
    }
    server_ = std::make_unique<Server>(options, router_, std::vector<Middleware>{});
    port_ = server_->listen();
    runner_ = std::thread([this] { server_->run(); });
  }
  std::string cert_file() const { return cert_dir_.path + "/cert.pem"; }
  // The `n`th session's connection, watched weakly.
  std::weak_ptr<WebSocketConnection> connection(size_t n) {
    std::shared_future<std::weak_ptr<WebSocketConnection>> opened;
    {
      std::lock_guard lock(mutex_);
      opened = opened_.at(n);
    }
    EXPECT_EQ(opened.wait_for(kDeadline), std::future_status::ready);
    return opened.get();
  }
  std::shared_future<std::uint16_t> closed(size_t n) {
    std::lock_guard lock(mutex_);
    return closed_.at(n);
  }
  std::shared_ptr<RecordingSession> session(size_t n) {
    std::lock_guard lock(mutex_);
    return sessions_.at(n).lock();
  }
  // Polls until `condition` holds or the deadline passes; returns whether it held.
  template <typename Condition>
  static bool eventually(Condition condition) {
    const auto end = Clock::now() + kDeadline;
    while (!condition()) {
      if (Clock::now() >= end) return false;
      std::this_thread::sleep_for(1ms);  // the poll's pace, not a wait for the result
    }
    return true;
  }

  testing::TempDir cert_dir_;
  Router router_;
  std::unique_ptr<Server> server_;
  std::thread runner_;
  uint16_t port_ = 0;
  std::mutex mutex_;
  std::vector<std::weak_ptr<RecordingSession>> sessions_;
  std::vector<std::shared_future<std::weak_ptr<WebSocketConnection>>> opened_;
  std::vector<std::shared_future<std::uint16_t>> closed_;
};

TEST_F(WebSocketTimeoutsTest, APeerThatAnswersPingsStaysConnectedAndIsPingedEachInterval) {
  start();
  RawPeer peer(port_);
  // The server starts its clock when it has written the 101, perhaps before we read it: the
  // lower bounds below are measured from before our request.
  auto last_heard = Clock::now();  // the server heard us no earlier than this
  ASSERT_TRUE(peer.upgrade());
  constexpr int kPings = 6;
  for (int i = 0; i < kPings; ++i) {
    auto frame = peer.next_frame();
    ASSERT_TRUE(frame) << "closed after " << i << " pings although every ping was answered";
    ASSERT_EQ(frame->opcode, kOpPing) << "ping " << i;
    // Not before a whole interval of silence (the knob is honoured, not the 30 s default: the
    // frame came within next_frame's deadline).
    EXPECT_GE(Clock::now() - last_heard, kInterval) << "ping " << i;
    peer.send_frame(kOpPong, frame->payload);
    last_heard = Clock::now();
  }
  // Six intervals on, and more than twice the interval since the connection opened: still open.
  EXPECT_EQ(closed(0).wait_for(0s), std::future_status::timeout);
  EXPECT_EQ(server_->stats().open_connections, 1u);
  peer.send_frame(kOpBinary, "still here");
  auto echo = peer.next_frame();
  ASSERT_TRUE(echo);
  EXPECT_EQ(echo->opcode, kOpBinary);
  EXPECT_EQ(echo->payload, "still here");
}

TEST_F(WebSocketTimeoutsTest, ASilentPeerIsDroppedAfterTwiceTheIntervalAndFreesItsSlot) {
  start(/*max_connections=*/1);
  RawPeer silent(port_);
  const auto opened = Clock::now();  // before the request (see the test above)
  ASSERT_TRUE(silent.upgrade());
  auto watched = connection(0);

  // At the limit: a second connection is refused while the silent one holds the only slot.
  RawPeer refused(port_);
  EXPECT_FALSE(refused.upgrade());

  auto ping = silent.next_frame();
  ASSERT_TRUE(ping) << "dropped without being pinged";
  EXPECT_EQ(ping->opcode, kOpPing);
  auto after = silent.next_frame();  // never answered
  EXPECT_FALSE(after) << "a second frame (opcode " << int(after ? after->opcode : 0)
                      << ") instead of the drop";
  EXPECT_GE(Clock::now() - opened, 2 * kInterval);
  ASSERT_EQ(closed(0).wait_for(kDeadline), std::future_status::ready);
  EXPECT_EQ(closed(0).get(), close_code::kAbnormal);

  EXPECT_TRUE(eventually([&] { return server_->stats().open_connections == 0; }))
      << server_->stats().open_connections << " connections still counted";
  EXPECT_TRUE(eventually([&] { return watched.expired(); })) << "the connection object lives on";
  RawPeer next(port_);
  EXPECT_TRUE(next.upgrade()) << "the freed slot was not given to a new connection";
}

TEST_F(WebSocketTimeoutsTest, APeerStalledInsideAFrameIsDroppedByTheSameTimeout) {
  start();
  RawPeer stalled(port_);
  ASSERT_TRUE(stalled.upgrade());
  auto watched = connection(0);
  // A binary frame announcing 1000 bytes, of which 100 come: the server must keep them until
  // the rest arrives, which it never does.
  stalled.send_frame(kOpBinary, std::string(100, 'x'), 1000);
  const auto stalled_at = Clock::now();

  auto ping = stalled.next_frame();
  ASSERT_TRUE(ping) << "dropped without being pinged";
  EXPECT_EQ(ping->opcode, kOpPing);
  EXPECT_FALSE(stalled.next_frame()) << "a second frame instead of the drop";
  EXPECT_GE(Clock::now() - stalled_at, 2 * kInterval);
  ASSERT_EQ(closed(0).wait_for(kDeadline), std::future_status::ready);
  EXPECT_EQ(closed(0).get(), close_code::kAbnormal);
  EXPECT_TRUE(eventually([&] { return !session(0); })) << "the session lives on";
  EXPECT_TRUE(eventually([&] { return watched.expired(); }))
      << "the connection, and the partial frame it holds, live on";
  EXPECT_TRUE(eventually([&] { return server_->stats().open_connections == 0; }));
}

TEST_F(WebSocketTimeoutsTest, OverTlsAPeerThatAnswersPingsStaysPastTheIdleTimeout) {
  start(100, /*tls=*/true);
  TlsPeer peer(port_, cert_file());
  peer.answer_pings();
  // Four pings: four intervals, twice the idle timeout, answered by Beast's client as it reads.
  EXPECT_TRUE(eventually([&] { return peer.pings() >= 4; })) << peer.pings() << " pings";
  EXPECT_EQ(closed(0).wait_for(0s), std::future_status::timeout);
  EXPECT_EQ(server_->stats().open_connections, 1u);
}

TEST_F(WebSocketTimeoutsTest, OverTlsASilentPeerIsDroppedAfterTwiceTheIntervalAndFreesItsSlot) {
  start(100, /*tls=*/true);
  const auto began = Clock::now();  // before the connection: the idle time starts later
  TlsPeer silent(port_, cert_file());
  auto watched = connection(0);
  ASSERT_EQ(closed(0).wait_for(kDeadline), std::future_status::ready);
  EXPECT_GE(Clock::now() - began, 2 * kInterval);
  EXPECT_EQ(closed(0).get(), close_code::kAbnormal);
  EXPECT_TRUE(eventually([&] { return server_->stats().open_connections == 0; }))
      << server_->stats().open_connections << " connections still counted";
  EXPECT_TRUE(eventually([&] { return watched.expired(); })) << "the connection object lives on";
}

}  // namespace
}  // namespace od::http
