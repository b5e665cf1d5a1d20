// Private to src/http: one upgraded WebSocket connection, driven by two coroutines on the
// connection's strand. The reader hands each message to the session; the writer drains a bounded
// outbox (so a session may send from any thread and messages leave in order) and performs the
// close handshake. Beast's own timeout sends a ping after half the idle time and drops a peer
// that stays silent for the whole of it.
#pragma once

#include <utility>  // Boost 1.74's asio/awaitable.hpp misses it

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include <atomic>
#include <deque>
#include <memory>
#include <optional>
#include <string>

#include "http/websocket.h"

namespace od::http::detail {

template <typename Stream>
class WebSocketStream : public WebSocketConnection,
                        public std::enable_shared_from_this<WebSocketStream<Stream>> {
 public:
  using Executor = boost::asio::any_io_executor;

  // `next` is the connection's stream (already past the HTTP request); it is kept alive here.
  WebSocketStream(std::shared_ptr<Stream> next, Executor executor, WebSocketOptions options)
      : next_(std::move(next)),
        ws_(*next_),
        executor_(std::move(executor)),
        options_(options),
        wake_(executor_, std::chrono::steady_clock::time_point::max()),
        writer_done_(executor_, std::chrono::steady_clock::time_point::max()) {}

  bool send(std::string message) override {
    if (closing_.load()) return false;
    if (queued_.fetch_add(1) >= options_.max_queued_messages) {
      --queued_;
      abort();  // the peer is not keeping up: drop it rather than buffer without end
      return false;
    }
    auto self = this->shared_from_this();
    boost::asio::post(executor_, [self, message = std::move(message)]() mutable {
      self->outbox_.push_back(std::move(message));
      self->wake_.cancel();
    });
    return true;
  }

  void close(std::uint16_t code, std::string reason) override {
    if (closing_.exchange(true)) return;
    auto self = this->shared_from_this();
    boost::asio::post(executor_, [self, code, reason = std::move(reason)]() mutable {
      if (!self->close_request_) self->close_request_.emplace(code, std::move(reason));
      self->wake_.cancel();
    });
  }

  // Accepts the upgrade described by `request` (headers from the route's response are added to
  // the 101), then runs until the connection is gone.
  template <typename Body, typename Fields>
  boost::asio::awaitable<void> run(const boost::beast::http::request<Body, Fields>& request,
                                   std::shared_ptr<WebSocketSession> session,
                                   const Headers& extra_headers) {
    namespace beast = boost::beast;
    namespace websocket = boost::beast::websocket;
    namespace asio = boost::asio;
    beast::get_lowest_layer(*next_).expires_never();  // the websocket timeouts take over
    websocket::stream_base::timeout timeout;
    timeout.handshake_timeout = std::chrono::seconds(10);
    timeout.idle_timeout = options_.ping_interval * 2;
    timeout.keep_alive_pings = true;
    ws_.set_option(timeout);
    ws_.set_option(websocket::stream_base::decorator([extra_headers](websocket::response_type& r) {
      for (const auto& [name, value] : extra_headers.all()) {
        if (name.find_first_of("\r\n") == std::string::npos &&
            value.find_first_of("\r\n") == std::string::npos) {
          r.set(name, value);
        }
      }
    }));
    ws_.read_message_max(options_.max_message_bytes);
    ws_.binary(true);
    beast::error_code ec;
    co_await ws_.async_accept(request, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return;

    auto self = this->shared_from_this();
    session->on_open(self);
    asio::co_spawn(executor_, write_loop(self), asio::detached);

    beast::flat_buffer buffer;
    for (;;) {
      co_await ws_.async_read(buffer, asio::redirect_error(asio::use_awaitable, ec));
      if (ec) break;
      session->on_message(beast::buffers_to_string(buffer.data()), ws_.got_binary());
      buffer.consume(buffer.size());
    }
    std::uint16_t code = close_code::kAbnormal;
    if (ec == websocket::error::closed && ws_.reason().code != websocket::close_code::none) {
      code = static_cast<std::uint16_t>(ws_.reason().code);
    }
    closing_ = true;
    reader_done_ = true;
    wake_.cancel();
    // The writer may be stuck on a peer that stopped reading; the socket is no use any more.
    if (ec != websocket::error::closed) beast::get_lowest_layer(*next_).close();
    while (!writer_finished_) {
      co_await writer_done_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
    session->on_close(code);
  }

 private:
  static boost::asio::awaitable<void> write_loop(std::shared_ptr<WebSocketStream> self) {
    namespace asio = boost::asio;
    namespace websocket = boost::beast::websocket;
    boost::beast::error_code ec;
    while (!self->reader_done_) {
      if (!self->outbox_.empty()) {
        std::string message = std::move(self->outbox_.front());
        self->outbox_.pop_front();
        --self->queued_;
        co_await self->ws_.async_write(asio::buffer(message),
                                       asio::redirect_error(asio::use_awaitable, ec));
        if (ec) break;
      } else if (self->close_request_) {
        websocket::close_reason reason(
            static_cast<websocket::close_code>(self->close_request_->first),
            self->close_request_->second.substr(0, 120));
        co_await self->ws_.async_close(reason, asio::redirect_error(asio::use_awaitable, ec));
        break;  // the reader sees the peer's close frame (or the error) and ends
      } else {
        self->wake_.expires_at(std::chrono::steady_clock::time_point::max());
        co_await self->wake_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      }
    }
    self->writer_finished_ = true;
    self->writer_done_.cancel();
  }

  // Closes the transport at once (from any thread): the reader fails and cleans up.
  void abort() {
    closing_ = true;
    auto self = this->shared_from_this();
    boost::asio::post(executor_, [self] {
      boost::beast::error_code ec;
      boost::beast::get_lowest_layer(*self->next_).socket().close(ec);
    });
  }

  std::shared_ptr<Stream> next_;
  boost::beast::websocket::stream<Stream&> ws_;
  Executor executor_;
  const WebSocketOptions options_;
  std::atomic<bool> closing_{false};
  std::atomic<size_t> queued_{0};
  // Touched on the strand only.
  std::deque<std::string> outbox_;
  std::optional<std::pair<std::uint16_t, std::string>> close_request_;
  bool reader_done_ = false;
  bool writer_finished_ = false;
  boost::asio::steady_timer wake_;
  boost::asio::steady_timer writer_done_;
};

}  // namespace od::http::detail
