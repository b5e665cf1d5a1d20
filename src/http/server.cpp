// The Beast/Asio side of the HTTP layer. One coroutine per connection, on its own strand, owns
// the stream, the read buffer and the timeouts (shaped after Beast's server-flex example). It
// parses, matches the route, hands the middleware chain + handler to the worker pool, and awaits
// the result on a timer the worker cancels, so no network thread ever blocks on a handler.
#include <utility>  // Boost 1.74's asio/awaitable.hpp misses it

#include "http/server.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <array>
#include <atomic>
#include <limits>
#include <mutex>
#include <thread>
#include <unordered_set>

#include "core/error.h"
#include "core/ids.h"
#include "core/log.h"
#include "core/metrics.h"
#include "core/worker_pool.h"
#include "http/body_pipe.h"
#include "http/deferred_slot.h"
#include "http/stream_channel.h"
#include "http/url.h"
#include "http/websocket_handshake.h"
#include "http/websocket_loop.h"
#include "http/websocket_stream.h"

namespace od::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace ssl = boost::asio::ssl;
using tcp = asio::ip::tcp;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;
using Clock = std::chrono::steady_clock;

constexpr size_t kReadChunk = 4096;
// Streamed bodies move through the pipe in chunks of this size, at most kPipeBytes buffered: the
// memory one upload or download costs, whatever its size.
constexpr size_t kBodyChunk = 64 * 1024;
constexpr size_t kPipeBytes = 4 * kBodyChunk;
constexpr auto kLinger = std::chrono::seconds(2);
constexpr auto kDrainPoll = std::chrono::milliseconds(20);
constexpr auto kTlsShutdownTimeout = std::chrono::seconds(1);
constexpr char kUnmatchedRoute[] = "unmatched";

// Counters shared with the metrics gauges, which may outlive the server: they hold it weakly.
struct Gauges {
  std::atomic<size_t> connections{0};
  std::atomic<size_t> streams{0};
  std::atomic<size_t> deferred{0};
  std::atomic<size_t> websockets{0};
  std::atomic<size_t> workers_busy{0};
  std::atomic<size_t> queued{0};
};

// What stop() needs to reach a connection: its strand, and (only touched on that strand) whether
// it is idle between requests, its socket, and its open event stream.
struct Connection {
  explicit Connection(asio::any_io_executor ex) : executor(std::move(ex)) {}
  asio::any_io_executor executor;
  beast::tcp_stream* socket = nullptr;
  bool idle = false;
  std::shared_ptr<BufferedStream> stream;
  std::shared_ptr<WebSocketConnection> websocket;
};

// Filled by a worker, handed back to the connection's strand; cancelling `signal` wakes it.
struct PendingResponse {
  explicit PendingResponse(const asio::any_io_executor& ex)
      : signal(ex, asio::steady_timer::time_point::max()) {}
  asio::steady_timer signal;
  std::optional<Response> response;
};

Method to_method(bhttp::verb verb) {
  switch (verb) {
    case bhttp::verb::get:
      return Method::Get;
    case bhttp::verb::head:
      return Method::Head;
    case bhttp::verb::post:
      return Method::Post;
    case bhttp::verb::put:
      return Method::Put;
    case bhttp::verb::patch:
      return Method::Patch;
    case bhttp::verb::delete_:
      return Method::Delete;
    case bhttp::verb::options:
      return Method::Options;
    default:
      return Method::Other;
  }
}

bool has_line_break(std::string_view s) {
  return s.find_first_of("\r\n") != std::string_view::npos;
}

std::string allow_header(const std::vector<Method>& methods) {
  std::string out;
  for (Method m : methods) {
    if (!out.empty()) out += ", ";
    out += method_name(m);
  }
  return out;
}

bool without_body(int status) { return status < 200 || status == 204 || status == 304; }

// A handler that only raises `error`, so server-made errors still pass through the chain and get
// the request id, CORS, security headers and an access-log line.
Handler raising(ApiError error) {
  return [error = std::move(error)](Request&) -> Response { throw error; };
}

beast::tcp_stream& lowest(beast::tcp_stream& s) { return s; }
beast::tcp_stream& lowest(TlsStream& s) { return beast::get_lowest_layer(s); }

}  // namespace

class Server::Impl {
 public:
  Impl(ServerOptions options, const Router& router, std::vector<Middleware> chain)
      : options_(std::move(options)),
        router_(router),
        chain_(std::move(chain)),
        acceptor_(asio::make_strand(ioc_)),
        gauges_(std::make_shared<Gauges>()),
        pool_(static_cast<size_t>(std::max(1, options_.worker_threads)), options_.worker_queue,
              "http"),
        stream_pool_(static_cast<size_t>(std::max(1, options_.stream_threads)),
                     options_.stream_queue, "http-stream") {
    if (!options_.tls_cert_file.empty() && !options_.tls_key_file.empty()) setup_tls();
    for (int i = 0; i < std::max(1, options_.io_threads); ++i) {
      loops_.push_back(
          std::make_unique<detail::WebSocketLoop>(gauges_->connections, gauges_->websockets));
    }
    register_metrics();
  }

  ~Impl() {
    // Workers may still post results to the io_context: join them first.
    pool_.shutdown();
    stream_pool_.shutdown();
  }

  uint16_t listen() {
    beast::error_code ec;
    tcp::endpoint endpoint(asio::ip::make_address(options_.host, ec), options_.port);
    if (ec) throw std::runtime_error("invalid listen address " + options_.host);
    acceptor_.open(endpoint.protocol(), ec);
    if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_.bind(endpoint, ec);
    if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
      throw std::runtime_error("cannot listen on " + options_.host + ":" +
                               std::to_string(options_.port) + ": " + ec.message());
    }
    uint16_t port = acceptor_.local_endpoint().port();
    asio::co_spawn(acceptor_.get_executor(), accept_loop(), asio::detached);
    log::info("http listening",
              {{"host", options_.host}, {"port", port}, {"tls", tls_.has_value()}});
    return port;
  }

  void run() {
    for (auto& loop : loops_) loop->start();
    std::vector<std::thread> extra;
    for (int i = 1; i < options_.io_threads; ++i) extra.emplace_back([this] { ioc_.run(); });
    ioc_.run();
    for (auto& t : extra) t.join();
    // The drain is over: plain WebSockets still open past its deadline are cut now.
    for (auto& loop : loops_) loop->stop();
    pool_.shutdown();
    stream_pool_.shutdown();
  }

  void stop() {
    if (stopping_.exchange(true)) return;
    asio::co_spawn(acceptor_.get_executor(), drain(), asio::detached);
  }

  ServerStats stats() const {
    auto pool = pool_.stats();
    return ServerStats{gauges_->connections.load(), gauges_->streams.load(), pool.busy,
                       pool.queued};
  }

 private:
  void setup_tls() {
    tls_.emplace(ssl::context::tls_server);
    tls_->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                      ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 |
                      ssl::context::single_dh_use);
    SSL_CTX_set_min_proto_version(tls_->native_handle(), TLS1_2_VERSION);
    tls_->use_certificate_chain_file(options_.tls_cert_file);
    tls_->use_private_key_file(options_.tls_key_file, ssl::context::pem);
  }

  void register_metrics() {
    metrics::describe("http_requests_total", "counter", "HTTP requests by route, method, status.");
    metrics::describe("http_request_duration_seconds", "histogram",
                      "Time from a complete request to its response, by route and method.");
    metrics::describe("http_open_connections", "gauge", "Open client connections.");
    metrics::describe("http_open_streams", "gauge", "Open Server-Sent Events streams.");
    metrics::describe("http_deferred_requests", "gauge",
                      "Requests waiting, without a thread, for a deferred answer (long polls).");
    metrics::describe("http_open_websockets", "gauge", "Open WebSocket sessions.");
    metrics::describe("http_workers_busy", "gauge", "HTTP workers running a request.");
    metrics::describe("http_worker_queue_depth", "gauge", "Requests waiting for an HTTP worker.");
    std::weak_ptr<Gauges> weak = gauges_;
    auto reader = [weak](std::atomic<size_t> Gauges::*field) {
      return [weak, field] {
        auto g = weak.lock();
        return g ? static_cast<double>(((*g).*field).load()) : 0.0;
      };
    };
    metrics::gauge_callback("http_open_connections", {}, reader(&Gauges::connections));
    metrics::gauge_callback("http_open_streams", {}, reader(&Gauges::streams));
    metrics::gauge_callback("http_deferred_requests", {}, reader(&Gauges::deferred));
    metrics::gauge_callback("http_open_websockets", {}, reader(&Gauges::websockets));
    metrics::gauge_callback("http_workers_busy", {}, reader(&Gauges::workers_busy));
    metrics::gauge_callback("http_worker_queue_depth", {}, reader(&Gauges::queued));
  }

  asio::awaitable<void> accept_loop() {
    for (;;) {
      beast::error_code ec;
      tcp::socket socket = co_await acceptor_.async_accept(
          asio::make_strand(ioc_), asio::redirect_error(asio::use_awaitable, ec));
      if (stopping_ || !acceptor_.is_open()) co_return;
      if (ec) {
        if (ec == asio::error::operation_aborted) co_return;
        log::warn("accept failed", {{"error", ec.message()}});
        continue;
      }
      if (gauges_->connections.load() >= options_.max_connections) {
        socket.close(ec);  // over the limit: refuse at once rather than queue
        continue;
      }
      socket.set_option(tcp::no_delay(true), ec);  // responses are written whole; don't delay
      std::string ip = socket.remote_endpoint(ec).address().to_string();
      auto executor = socket.get_executor();
      if (tls_) {
        auto stream = std::make_shared<TlsStream>(std::move(socket), *tls_);
        asio::co_spawn(executor, session(stream, std::move(ip)), asio::detached);
      } else {
        auto stream = std::make_shared<beast::tcp_stream>(std::move(socket));
        asio::co_spawn(executor, session(stream, std::move(ip)), asio::detached);
      }
    }
  }

  asio::awaitable<void> drain() {
    beast::error_code ec;
    acceptor_.close(ec);
    for_each_connection([](Connection& c) {
      if (c.idle && c.socket) c.socket->close();
      if (c.stream) c.stream->close();
      if (c.websocket) c.websocket->close(close_code::kGoingAway, "server shutting down");
    });
    for (auto& loop : loops_) loop->close_all(close_code::kGoingAway, "server shutting down");
    asio::steady_timer timer(acceptor_.get_executor());
    const auto deadline = Clock::now() + options_.drain_timeout;
    while (gauges_->connections.load() > 0 && Clock::now() < deadline) {
      timer.expires_after(kDrainPoll);
      co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
    // Past the deadline: whatever is left is cut off.
    for_each_connection([](Connection& c) {
      if (c.socket) c.socket->close();
      if (c.stream) c.stream->close();
    });
    for (auto& loop : loops_) loop->abort_all();
  }

  // Runs `f` on each connection's own strand.
  template <typename F>
  void for_each_connection(F f) {
    std::lock_guard lock(connections_mutex_);
    for (const auto& c : connections_) {
      asio::post(c->executor, [c, f] { f(*c); });
    }
  }

  // Registers a connection for its lifetime (stop() reaches it through the registry).
  class ConnectionScope {
   public:
    ConnectionScope(Impl& impl, std::shared_ptr<Connection> c) : impl_(impl), c_(std::move(c)) {
      ++impl_.gauges_->connections;
      std::lock_guard lock(impl_.connections_mutex_);
      impl_.connections_.insert(c_);
    }
    ~ConnectionScope() {
      c_->socket = nullptr;
      {
        std::lock_guard lock(impl_.connections_mutex_);
        impl_.connections_.erase(c_);
      }
      --impl_.gauges_->connections;
    }

   private:
    Impl& impl_;
    std::shared_ptr<Connection> c_;
  };

  template <typename Stream>
  asio::awaitable<void> session(std::shared_ptr<Stream> stream, std::string remote_ip) {
    auto conn = std::make_shared<Connection>(stream->get_executor());
    ConnectionScope scope(*this, conn);
    conn->socket = &lowest(*stream);
    constexpr bool kSecure = std::is_same_v<Stream, TlsStream>;
    beast::error_code ec;
    if constexpr (kSecure) {
      lowest(*stream).expires_after(options_.header_timeout);
      co_await stream->async_handshake(ssl::stream_base::server,
                                       asio::redirect_error(asio::use_awaitable, ec));
      if (ec) co_return;
    }
    beast::flat_buffer buffer;
    bool first = true;
    bool keep_alive = true;
    while (keep_alive) {
      keep_alive = co_await serve_one(stream, *conn, buffer, remote_ip, kSecure, first);
      first = false;
    }
    if (!lowest(*stream).socket().is_open()) co_return;  // handed over to a WebSocket
    if constexpr (kSecure) {
      lowest(*stream).expires_after(kTlsShutdownTimeout);
      co_await stream->async_shutdown(asio::redirect_error(asio::use_awaitable, ec));
    } else {
      stream->socket().shutdown(tcp::socket::shutdown_send, ec);
    }
  }

  // Reads, handles and answers one request; false when the connection should close.
  template <typename Stream>
  asio::awaitable<bool> serve_one(const std::shared_ptr<Stream>& stream_ptr, Connection& conn,
                                  beast::flat_buffer& buffer, const std::string& remote_ip,
                                  bool secure, bool first) {
    Stream& stream = *stream_ptr;
    beast::error_code ec;
    // Between requests the connection is idle: stop() may close it, and the idle timeout (or,
    // before the first request, the header timeout) bounds how long it may stay silent.
    if (buffer.size() == 0) {
      if (stopping_) co_return false;
      conn.idle = true;
      lowest(stream).expires_after(first ? options_.header_timeout : options_.idle_timeout);
      size_t n = co_await stream.async_read_some(buffer.prepare(kReadChunk),
                                                 asio::redirect_error(asio::use_awaitable, ec));
      conn.idle = false;
      if (ec) co_return false;
      buffer.commit(n);
    }

    bhttp::request_parser<bhttp::empty_body> header_parser;
    header_parser.header_limit(static_cast<std::uint32_t>(options_.max_header_bytes));
    header_parser.body_limit(std::numeric_limits<std::uint64_t>::max());  // checked per route
    lowest(stream).expires_after(options_.header_timeout);
    co_await bhttp::async_read_header(stream, buffer, header_parser,
                                      asio::redirect_error(asio::use_awaitable, ec));
    if (ec == bhttp::error::header_limit) {
      co_await write_direct(stream, 431, "header_too_large", "The request header is too large.");
      co_return false;
    }
    if (ec == bhttp::error::end_of_stream || ec == beast::error::timeout ||
        ec == asio::error::operation_aborted || ec == asio::error::eof ||
        ec == asio::error::connection_reset) {
      co_return false;
    }
    if (ec) {
      co_await write_direct(stream, 400, "bad_request", "The request is malformed.");
      co_return false;
    }

    auto& head = header_parser.get();
    Request request;
    request.method = to_method(head.method());
    request.target = std::string(head.target());
    request.remote_ip = remote_ip;
    request.secure = secure;
    for (const auto& field : head) {
      request.headers.add(std::string(field.name_string()), std::string(field.value()));
    }
    std::string_view target = head.target();
    size_t question = target.find('?');
    if (question != std::string_view::npos) {
      request.query_string = std::string(target.substr(question + 1));
    }
    bool keep_alive = head.keep_alive();
    const bool is_head = request.method == Method::Head;
    const unsigned version = head.version();

    std::optional<ApiError> early_error;
    std::string allow;  // for a 405
    const Route* route = nullptr;
    size_t body_limit = RouteOptions{}.max_body_bytes;
    if (!percent_decode(target.substr(0, question), false, request.path) ||
        request.path.find('\0') != std::string::npos || !request.path.starts_with('/')) {
      early_error.emplace(bad_request("bad_path", "The request path is malformed."));
    } else {
      auto match = router_.match(request.method, request.path);
      if (match.route) {
        route = match.route;
        request.params = std::move(match.params);
        request.context.route_pattern = route->pattern;
        request.context.route_class = route->options.rate_class;
        body_limit = route->options.max_body_bytes;
      } else if (!match.allowed.empty()) {
        allow = allow_header(match.allowed);
        early_error.emplace(ApiError(405, "method_not_allowed",
                                     "This method is not allowed on this resource.",
                                     {{"allowed", allow}}));
      } else {
        early_error.emplace(not_found("route"));
      }
    }

    // The body: refused by its declared length without reading it, read up to the limit, or
    // (stream_body routes) fed to the handler while it runs.
    bool has_body = false;        // then header_parser has been moved from
    bool refused_unread = false;  // refused for its size with (some of) the body still unread
    std::shared_ptr<BodyPipe> body_pipe;
    std::optional<bhttp::request_parser<bhttp::buffer_body>> body_feed;
    auto declared = header_parser.content_length();
    if (declared && *declared > body_limit) {
      early_error.emplace(
          payload_too_large("The request body exceeds " + std::to_string(body_limit) + " bytes."));
      keep_alive = false;
      refused_unread = !header_parser.is_done();
    } else if (route && !early_error && route->options.stream_body) {
      body_pipe = std::make_shared<BodyPipe>(kPipeBytes);
      request.body_reader = body_pipe;
      if (header_parser.is_done()) {
        body_pipe->finish_writing();
      } else {
        has_body = true;
        if (auto expect = head[bhttp::field::expect]; beast::iequals(expect, "100-continue")) {
          bhttp::response<bhttp::empty_body> cont(bhttp::status::continue_, version);
          lowest(stream).expires_after(options_.body_timeout);
          co_await bhttp::async_write(stream, cont, asio::redirect_error(asio::use_awaitable, ec));
          if (ec) co_return false;
        }
        body_feed.emplace(std::move(header_parser));
        body_feed->body_limit(body_limit);
      }
    } else if (!header_parser.is_done()) {
      has_body = true;
      if (auto expect = head[bhttp::field::expect]; beast::iequals(expect, "100-continue")) {
        bhttp::response<bhttp::empty_body> cont(bhttp::status::continue_, version);
        lowest(stream).expires_after(options_.body_timeout);
        co_await bhttp::async_write(stream, cont, asio::redirect_error(asio::use_awaitable, ec));
        if (ec) co_return false;
      }
      bhttp::request_parser<bhttp::string_body> body_parser(std::move(header_parser));
      body_parser.body_limit(body_limit);
      lowest(stream).expires_after(options_.body_timeout);
      co_await bhttp::async_read(stream, buffer, body_parser,
                                 asio::redirect_error(asio::use_awaitable, ec));
      if (ec == bhttp::error::body_limit) {
        early_error.emplace(payload_too_large("The request body exceeds " +
                                              std::to_string(body_limit) + " bytes."));
        keep_alive = false;
        refused_unread = true;
      } else if (ec) {
        co_return false;
      } else {
        request.body = std::move(body_parser.get().body());
      }
    }
    lowest(stream).expires_never();

    Handler handler = early_error ? raising(std::move(*early_error)) : route->handler;
    const std::string route_label = route ? route->pattern : kUnmatchedRoute;
    const Method method = request.method;

    auto pending = std::make_shared<PendingResponse>(conn.executor);
    const auto started = Clock::now();
    ++gauges_->queued;
    // A streamed body keeps its handler busy for as long as the client sends: those run on their
    // own pool, so uploads cannot take every worker from ordinary requests.
    WorkerPool& pool = body_pipe ? stream_pool_ : pool_;
    bool accepted = pool.try_submit([this, pending, handler = std::move(handler),
                                     request = std::move(request), body_pipe]() mutable {
      --gauges_->queued;
      ++gauges_->workers_busy;
      Response response = run_handler(request, handler);
      --gauges_->workers_busy;
      // Whatever the handler left unread is not wanted: the network side stops feeding.
      if (body_pipe) body_pipe->abandon();
      asio::post(pending->signal.get_executor(),
                 [pending, response = std::move(response)]() mutable {
                   pending->response = std::move(response);
                   pending->signal.cancel();
                 });
    });
    bool unread_body = false;  // the handler answered before the body ended (a refused upload)
    if (body_feed) {
      bool complete = false;
      if (accepted) complete = co_await feed_body(stream, conn, buffer, *body_feed, body_pipe);
      if (!complete) keep_alive = false;  // the rest of the body is still on the wire
      unread_body = !complete && !body_pipe->failed();
    }
    Response response;
    if (accepted) {
      // While a streamed body was fed, the result may already have arrived (and its cancel found
      // no waiter): wait only when it has not.
      if (!pending->response) {
        co_await pending->signal.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      }
      response = std::move(*pending->response);
    } else {
      --gauges_->queued;
      response = error_response(503, "overloaded", "The server is busy; retry shortly.", new_id());
      response.headers.set("Retry-After", "1");
    }
    if (response.deferred) response = co_await await_deferred(conn, std::move(response));
    if (!allow.empty() && response.status == 405) response.headers.set("Allow", allow);
    record(route_label, method, response.status, started);

    if (response.stream) {
      co_await write_stream(stream_ptr, conn, response, version);
      co_return false;
    }
    if (response.websocket) {
      if (!has_body) {
        co_await run_websocket(stream_ptr, conn, head, std::move(response), buffer);
      }
      co_return false;
    }
    if (stopping_) keep_alive = false;
    if (response.body_producer && !without_body(response.status)) {
      co_return co_await write_produced(stream, conn, std::move(response), is_head, keep_alive,
                                        version);
    }
    bool again = co_await write_response(stream, std::move(response), is_head, keep_alive, version);
    if (unread_body || refused_unread) co_await linger(stream);
    co_return again;
  }

  // After answering a request whose body was left unread, closing at once, with bytes still
  // arriving, makes the kernel reset the connection, and the client may lose the answer. So
  // drop what keeps coming for a short while first (web servers' "lingering close").
  template <typename Stream>
  asio::awaitable<void> linger(Stream& stream) {
    std::array<char, 16384> sink;
    beast::error_code ec;
    lowest(stream).expires_after(kLinger);
    while (!ec) {
      co_await stream.async_read_some(asio::buffer(sink),
                                      asio::redirect_error(asio::use_awaitable, ec));
    }
  }

  // Reads a stream_body request's body into its pipe while the handler consumes it, pausing the
  // socket while the pipe is full. The body timeout bounds each wait for data (a stall), not the
  // whole body: a large upload may take long while it progresses. True when the body was read
  // to its end; false when it failed (the handler then reads an error) or the handler finished
  // without reading it all.
  template <typename Stream, typename Buffer>
  asio::awaitable<bool> feed_body(Stream& stream, Connection& conn, Buffer& buffer,
                                  bhttp::request_parser<bhttp::buffer_body>& parser,
                                  std::shared_ptr<BodyPipe> pipe) {
    auto wake = std::make_shared<asio::steady_timer>(conn.executor, Clock::time_point::max());
    // The wakeup may run after this coroutine is gone: it touches the socket only while feeding.
    auto feeding = std::make_shared<bool>(true);
    beast::tcp_stream* socket = &lowest(stream);
    std::weak_ptr<BodyPipe> weak = pipe;
    pipe->set_wakeup([wake, feeding, socket, weak] {
      asio::post(wake->get_executor(), [wake, feeding, socket, weak] {
        wake->cancel();
        auto p = weak.lock();
        // The handler is done: a read waiting on a client that waits for the answer must end.
        if (*feeding && p && p->abandoned()) socket->cancel();
      });
    });
    beast::error_code ec;
    bool complete = false;
    while (!pipe->abandoned()) {
      if (!pipe->has_room()) {
        wake->expires_at(Clock::time_point::max());
        co_await wake->async_wait(asio::redirect_error(asio::use_awaitable, ec));
        continue;
      }
      std::string chunk(kBodyChunk, '\0');
      auto& body = parser.get().body();
      body.data = chunk.data();
      body.size = chunk.size();
      body.more = true;
      lowest(stream).expires_after(options_.body_timeout);
      co_await bhttp::async_read_some(stream, buffer, parser,
                                      asio::redirect_error(asio::use_awaitable, ec));
      if (ec == bhttp::error::need_buffer) ec = {};
      chunk.resize(chunk.size() - body.size);
      if (ec && pipe->abandoned()) break;  // cancelled: the handler has answered
      if (ec == bhttp::error::body_limit) {
        pipe->fail(payload_too_large("The request body exceeds the limit of this route."));
        break;
      }
      if (ec == beast::error::timeout) {
        pipe->fail(ApiError(408, "body_timeout", "The request body stopped arriving."));
        break;
      }
      if (ec) {
        pipe->fail(
            bad_request("body_incomplete", "The request body ended before it was complete."));
        break;
      }
      pipe->offer(std::move(chunk));
      if (parser.is_done()) {
        pipe->finish_writing();
        complete = true;
        break;
      }
    }
    *feeding = false;
    pipe->set_wakeup(nullptr);
    lowest(stream).expires_never();
    co_return complete;
  }

  // Sends a response whose body a producer yields on a worker (files, blobs): the headers with
  // the promised Content-Length, then each chunk as the client takes it. A producer that fails or
  // breaks its promise cuts the connection (the client sees a short body, never a wrong one).
  template <typename Stream>
  asio::awaitable<bool> write_produced(Stream& stream, Connection& conn, Response response,
                                       bool is_head, bool keep_alive, unsigned version) {
    auto pipe = std::make_shared<BodyPipe>(kPipeBytes);
    auto wake = std::make_shared<asio::steady_timer>(conn.executor, Clock::time_point::max());
    pipe->set_wakeup([wake] { asio::post(wake->get_executor(), [wake] { wake->cancel(); }); });
    if (!is_head) {
      bool submitted =
          stream_pool_.try_submit([pipe, producer = std::move(response.body_producer)] {
            try {
              producer(*pipe);
              pipe->finish_writing();
            } catch (const ApiError& e) {
              pipe->fail(e);
            } catch (const std::exception& e) {
              log::error("response body producer failed", {{"error", e.what()}});
              pipe->fail(ApiError(500, "internal_error", e.what()));
            }
          });
      if (!submitted) {
        Response busy =
            error_response(503, "overloaded", "The server is busy; retry shortly.", new_id());
        busy.headers.set("Retry-After", "1");
        co_return co_await write_response(stream, std::move(busy), false, keep_alive, version);
      }
    }
    bhttp::response<bhttp::empty_body> head(static_cast<bhttp::status>(response.status), version);
    for (const auto& [name, value] : response.headers.all()) {
      if (!has_line_break(name) && !has_line_break(value)) head.insert(name, value);
    }
    head.keep_alive(keep_alive);
    head.content_length(response.content_length);
    beast::error_code ec;
    bhttp::response_serializer<bhttp::empty_body> serializer(head);
    lowest(stream).expires_after(options_.body_timeout);
    co_await bhttp::async_write_header(stream, serializer,
                                       asio::redirect_error(asio::use_awaitable, ec));
    if (is_head) co_return !ec && keep_alive;
    uint64_t sent = 0;
    while (!ec && !pipe->failed()) {
      if (auto chunk = pipe->take()) {
        sent += chunk->size();
        if (sent > response.content_length) break;
        lowest(stream).expires_after(options_.body_timeout);
        co_await asio::async_write(stream, asio::buffer(*chunk),
                                   asio::redirect_error(asio::use_awaitable, ec));
        continue;
      }
      if (pipe->drained()) break;
      wake->expires_at(Clock::time_point::max());
      beast::error_code ignored;
      co_await wake->async_wait(asio::redirect_error(asio::use_awaitable, ignored));
    }
    pipe->abandon();  // a producer still writing stops
    pipe->set_wakeup(nullptr);
    lowest(stream).expires_never();
    bool whole = !ec && !pipe->failed() && sent == response.content_length;
    co_return whole&& keep_alive;
  }

  // Runs the chain on a worker thread. Nothing may escape: an exception the chain did not turn
  // into a response becomes a bare 500.
  Response run_handler(Request& request, const Handler& handler) {
    try {
      return run_chain(chain_, request, handler);
    } catch (const ApiError& e) {
      return error_response(e.status(), e.code(), e.what(), request.context.request_id,
                            e.details());
    } catch (const std::exception& e) {
      log::error("unhandled exception in request", {{"error", e.what()}});
    } catch (...) {
      log::error("unhandled exception in request", {{"error", "unknown"}});
    }
    return error_response(500, "internal_error", "Something went wrong on our side.",
                          request.context.request_id);
  }

  void record(const std::string& route, Method method, int status, Clock::time_point started) {
    std::string m(method_name(method));
    metrics::counter_add("http_requests_total",
                         {{"route", route}, {"method", m}, {"status", std::to_string(status)}});
    metrics::histogram_observe("http_request_duration_seconds", {{"route", route}, {"method", m}},
                               std::chrono::duration<double>(Clock::now() - started).count());
  }

  // Answers from the network thread, without the chain: for requests too broken to route.
  template <typename Stream>
  asio::awaitable<void> write_direct(Stream& stream, int status, const std::string& code,
                                     const std::string& message) {
    co_await write_response(stream, error_response(status, code, message, new_id()), false, false,
                            11);
  }

  template <typename Stream>
  asio::awaitable<bool> write_response(Stream& stream, Response response, bool is_head,
                                       bool keep_alive, unsigned version) {
    bhttp::response<bhttp::string_body> out(static_cast<bhttp::status>(response.status), version);
    for (const auto& [name, value] : response.headers.all()) {
      // A value with a line break would let a handler's data forge headers or a second response.
      if (has_line_break(name) || has_line_break(value)) continue;
      out.insert(name, value);
    }
    out.keep_alive(keep_alive);
    if (!without_body(response.status)) {
      out.content_length(response.body.size());
      if (!is_head) out.body() = std::move(response.body);
    }
    beast::error_code ec;
    lowest(stream).expires_after(options_.body_timeout);
    co_await bhttp::async_write(stream, out, asio::redirect_error(asio::use_awaitable, ec));
    co_return !ec && keep_alive;
  }

  // Waits, without a thread, for the answer to a deferred request (a long poll) and returns it with
  // the headers the middleware put on the placeholder the handler returned.
  asio::awaitable<Response> await_deferred(Connection& conn, Response placeholder) {
    auto slot = std::static_pointer_cast<DeferredSlot>(placeholder.deferred);
    auto wake = std::make_shared<asio::steady_timer>(conn.executor, Clock::time_point::max());
    slot->set_wakeup([wake] { asio::post(wake->get_executor(), [wake] { wake->cancel(); }); });
    // However this frame ends (answered, or destroyed with the server while the answer is still
    // being made on another thread), the slot stops pointing at this connection's executor.
    struct ForgetWakeup {
      std::shared_ptr<DeferredSlot> slot;
      ~ForgetWakeup() { slot->forget_wakeup(); }
    } forget{slot};
    ++gauges_->deferred;
    beast::error_code ec;
    std::optional<Response> answer;
    // The wake-up is posted to this connection's strand, so it cannot slip in between a take()
    // that found nothing and the wait.
    while (!(answer = slot->take())) {
      co_await wake->async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
    --gauges_->deferred;
    answer->deferred.reset();
    for (const auto& [name, value] : placeholder.headers.all()) {
      if (!answer->headers.get(name)) answer->headers.add(name, value);
    }
    co_return std::move(*answer);
  }

  // Writes an event stream until the producer closes it, the client goes away, or the server
  // drains; the connection closes afterwards.
  template <typename Stream>
  asio::awaitable<void> write_stream(const std::shared_ptr<Stream>& stream_ptr, Connection& conn,
                                     Response& response, unsigned version) {
    Stream& stream = *stream_ptr;
    auto channel = std::static_pointer_cast<BufferedStream>(response.stream);
    ++gauges_->streams;
    conn.stream = channel;
    auto wake = std::make_shared<asio::steady_timer>(conn.executor, Clock::time_point::max());
    auto client_gone = std::make_shared<bool>(false);
    channel->set_wakeup([wake] { asio::post(wake->get_executor(), [wake] { wake->cancel(); }); });
    if (stopping_) channel->close();

    bhttp::response<bhttp::empty_body> head(static_cast<bhttp::status>(response.status), version);
    for (const auto& [name, value] : response.headers.all()) {
      if (!has_line_break(name) && !has_line_break(value)) head.insert(name, value);
    }
    head.set(bhttp::field::content_type, "text/event-stream");
    head.set(bhttp::field::cache_control, "no-store");
    head.keep_alive(false);
    head.chunked(true);
    beast::error_code ec;
    bhttp::response_serializer<bhttp::empty_body> serializer(head);
    lowest(stream).expires_after(options_.body_timeout);
    co_await bhttp::async_write_header(stream, serializer,
                                       asio::redirect_error(asio::use_awaitable, ec));
    if (!ec) {
      lowest(stream).expires_never();
      // The only way to notice a silent client leaving is a pending read that fails.
      asio::co_spawn(conn.executor, watch_disconnect(stream_ptr, wake, client_gone),
                     asio::detached);
      std::vector<std::string> chunks;
      while (!ec && !*client_gone) {
        chunks.clear();
        if (!channel->take(chunks)) break;
        if (chunks.empty()) {
          wake->expires_at(Clock::time_point::max());
          co_await wake->async_wait(asio::redirect_error(asio::use_awaitable, ec));
          ec = {};
          continue;
        }
        for (const auto& chunk : chunks) {
          lowest(stream).expires_after(options_.body_timeout);
          co_await asio::async_write(stream, bhttp::make_chunk(asio::buffer(chunk)),
                                     asio::redirect_error(asio::use_awaitable, ec));
          if (ec) break;
        }
      }
      if (!ec && !*client_gone) {
        lowest(stream).expires_after(options_.body_timeout);
        co_await asio::async_write(stream, bhttp::make_chunk_last(),
                                   asio::redirect_error(asio::use_awaitable, ec));
      }
    }
    // Closing the socket also ends the disconnect watcher's read; it owns the stream till then.
    lowest(stream).close();
    conn.stream.reset();
    channel->finish();
    --gauges_->streams;
  }

  // Hands the connection over to WebSocket. Plain TCP: answers the handshake here and moves the
  // socket into a lean connection object, so this coroutine (and its HTTP buffers) ends now.
  // TLS: Beast's stream runs inside this coroutine until the socket closes, and answers a
  // malformed handshake with 400 itself.
  template <typename Stream, typename Head>
  asio::awaitable<void> run_websocket(const std::shared_ptr<Stream>& stream_ptr, Connection& conn,
                                      const Head& head, Response response,
                                      beast::flat_buffer& buffer) {
    auto upgrade = std::move(response.websocket);
    response.headers.remove("Content-Type");  // set by the chain for bodies; a 101 has none
    if constexpr (std::is_same_v<Stream, beast::tcp_stream>) {
      co_await hand_over_websocket(*stream_ptr, conn, head, response.headers, std::move(upgrade),
                                   buffer);
    } else {
      auto ws = std::make_shared<detail::WebSocketStream<Stream>>(stream_ptr, conn.executor,
                                                                  upgrade->options);
      conn.websocket = ws;
      ++gauges_->websockets;
      if (stopping_) ws->close(close_code::kGoingAway, "server shutting down");
      co_await ws->run(head, upgrade->session, response.headers);
      --gauges_->websockets;
      conn.websocket.reset();
    }
  }

  template <typename Head>
  asio::awaitable<void> hand_over_websocket(beast::tcp_stream& stream, Connection& conn,
                                            const Head& head, const Headers& headers,
                                            std::shared_ptr<WebSocketUpgrade> upgrade,
                                            beast::flat_buffer& buffer) {
    if (head[bhttp::field::sec_websocket_version] != "13") {
      Response refused = error_response(426, "upgrade_required",
                                        "Only WebSocket version 13 is supported.", new_id());
      refused.headers.set("Sec-WebSocket-Version", "13");
      co_await write_response(stream, std::move(refused), false, false, head.version());
      co_return;
    }
    auto accept = ws::accept_key(head[bhttp::field::sec_websocket_key]);
    if (!accept) {
      co_await write_direct(stream, 400, "bad_request", "The Sec-WebSocket-Key is malformed.");
      co_return;
    }
    std::string reply = ws::switching_protocols(*accept, headers);
    beast::error_code ec;
    stream.expires_after(options_.body_timeout);
    co_await asio::async_write(stream, asio::buffer(reply),
                               asio::redirect_error(asio::use_awaitable, ec));
    stream.expires_never();
    if (ec) co_return;
    // A client may send its first frames right behind the upgrade request.
    std::string early = beast::buffers_to_string(buffer.data());
    buffer.consume(buffer.size());
    conn.socket = nullptr;  // the stream is about to lose its socket
    int fd = stream.release_socket().release(ec);
    if (ec) co_return;
    auto& loop = *loops_[next_loop_++ % loops_.size()];
    auto ws = loop.adopt(fd, upgrade->options, upgrade->session, std::move(early));
    if (stopping_) ws->close(close_code::kGoingAway, "server shutting down");
  }

  // Stands in for the client's side of the conversation during a stream: ends (and wakes the
  // writer) when the client closes or the connection fails.
  template <typename Stream>
  asio::awaitable<void> watch_disconnect(std::shared_ptr<Stream> stream,
                                         std::shared_ptr<asio::steady_timer> wake,
                                         std::shared_ptr<bool> client_gone) {
    std::array<char, 512> sink;
    beast::error_code ec;
    while (!ec) {
      co_await stream->async_read_some(asio::buffer(sink),
                                       asio::redirect_error(asio::use_awaitable, ec));
    }
    *client_gone = true;
    wake->cancel();
  }

  const ServerOptions options_;
  const Router& router_;
  const std::vector<Middleware> chain_;
  asio::io_context ioc_;
  std::optional<ssl::context> tls_;
  tcp::acceptor acceptor_;
  std::atomic<bool> stopping_{false};
  std::shared_ptr<Gauges> gauges_;
  std::mutex connections_mutex_;
  std::unordered_set<std::shared_ptr<Connection>> connections_;
  // Upgraded plain-TCP WebSockets leave Asio for these (see websocket_loop.h), round robin.
  std::vector<std::unique_ptr<detail::WebSocketLoop>> loops_;
  std::atomic<size_t> next_loop_{0};
  WorkerPool pool_;
  WorkerPool stream_pool_;  // streamed request handlers and response producers
};

Server::Server(ServerOptions options, const Router& router, std::vector<Middleware> chain)
    : impl_(std::make_unique<Impl>(std::move(options), router, std::move(chain))) {}
Server::~Server() = default;
uint16_t Server::listen() { return impl_->listen(); }
void Server::run() { impl_->run(); }
void Server::stop() { impl_->stop(); }
ServerStats Server::stats() const { return impl_->stats(); }

}  // namespace od::http
