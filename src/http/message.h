// Plain request and response types that handlers see. No Beast here: domain api.cpp files build
// against these, and only src/http/*.cpp talks to Beast.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace od::http {

struct WebSocketUpgrade;  // http/websocket.h

enum class Method { Get, Head, Post, Put, Patch, Delete, Options, Other };
std::string_view method_name(Method m);

// Header names compare case-insensitively; order is kept as received.
class Headers {
 public:
  std::optional<std::string> get(std::string_view name) const;
  void set(std::string name, std::string value);  // replaces all of that name
  void add(std::string name, std::string value);  // appends another
  void remove(std::string_view name);
  const std::vector<std::pair<std::string, std::string>>& all() const { return fields_; }

 private:
  std::vector<std::pair<std::string, std::string>> fields_;
};

// Per-request facts the middleware and handlers share.
struct RequestContext {
  std::string request_id;
  std::string route_pattern;  // e.g. "/api/v1/projects/{id}"; empty when no route matched
  std::string route_class;    // rate-limit class of the matched route, e.g. "login"
  std::string user_id;        // set by authentication when a valid bearer token is present
  std::string user_role;
};

// A request body the handler pulls as it arrives (routes with RouteOptions::stream_body): the
// network thread feeds a bounded buffer and stops reading the socket while it is full, so an
// upload of any size costs a few chunks of memory. Blocks the calling (worker) thread.
class BodyReader {
 public:
  virtual ~BodyReader() = default;
  // Up to `max` bytes into `out`; 0 once the body has ended. Throws ApiError when the body cannot
  // be completed: 413 past the route's limit, 408 when the client stalls longer than the body
  // timeout, 400 body_incomplete when it disconnects. The handler should then clean up and throw.
  virtual size_t read(char* out, size_t max) = 0;
};

// The other direction: a response body produced on a worker after the headers are sent (files
// and blobs), with backpressure. Blocks the calling (worker) thread while the client is slow.
class BodyWriter {
 public:
  virtual ~BodyWriter() = default;
  // False once the client has gone: the producer should stop.
  virtual bool write(std::string chunk) = 0;
};

struct Request {
  Method method = Method::Get;
  std::string target;        // as received: path and query
  std::string path;          // percent-decoded path without the query
  std::string query_string;  // raw text after '?'
  Headers headers;
  std::string body;                         // empty for stream_body routes
  std::shared_ptr<BodyReader> body_reader;  // set only for stream_body routes
  std::string remote_ip;
  bool secure = false;                        // arrived over TLS
  std::map<std::string, std::string> params;  // path parameters from the route pattern
  RequestContext context;

  std::optional<std::string> header(std::string_view name) const { return headers.get(name); }
  // First value of a query parameter, percent-decoded.
  std::optional<std::string> query(std::string_view name) const;
  const std::string& param(const std::string& name) const { return params.at(name); }
};

// A long-lived response body (Server-Sent Events). The handler returns a Response whose `stream`
// is set; the server writes the headers, then writes every chunk pushed, in order, until close()
// or the client goes away. Thread-safe: push from any thread.
class StreamChannel {
 public:
  virtual ~StreamChannel() = default;
  // False once the stream is closed (by either side): the producer should stop.
  virtual bool push(std::string chunk) = 0;
  virtual void close() = 0;
  virtual bool closed() const = 0;
  // Called once, from a server thread, when the client disconnects or the server drains.
  virtual void on_close(std::function<void()> callback) = 0;
};

class DeferredResponse;

struct Response {
  int status = 200;
  Headers headers;
  std::string body;
  // When set, the response is streamed (see StreamChannel); `body` is ignored. The handler gets
  // the channel from make_stream() and hands it to whatever produces events.
  std::shared_ptr<StreamChannel> stream;
  // When set (only by Router::add_websocket routes), the connection is upgraded to WebSocket.
  std::shared_ptr<WebSocketUpgrade> websocket;
  // When set, `body` is ignored: the server sends Content-Length: `content_length`, then runs the
  // producer on a worker, writing what it yields as the client takes it (not for HEAD, 204, 304).
  // Producing more or fewer bytes than promised, or throwing, cuts the connection.
  std::function<void(BodyWriter&)> body_producer;
  uint64_t content_length = 0;
  // When set (by a handler that cannot answer yet, e.g. a long poll), the handler's thread is
  // free at once; the server waits, without a thread, for DeferredResponse::complete() and sends
  // that response instead, keeping the headers the middleware put on this one (request id, CORS).
  // Only plain responses complete a deferred one (no stream, WebSocket or producer).
  std::shared_ptr<DeferredResponse> deferred;

  static Response json(int status, const nlohmann::json& value);
  static Response no_content();
  static Response text(int status, std::string body, std::string content_type);
};

// Creates a channel the server knows how to drain (implemented in the server).
std::shared_ptr<StreamChannel> make_stream(size_t max_buffered_chunks = 1024);

// The answer to a request that arrives later. Thread-safe: complete() from any thread; the first
// call wins. Whoever holds it must complete it eventually (a long poll at its deadline at the
// latest): the connection waits for it.
class DeferredResponse {
 public:
  virtual ~DeferredResponse() = default;
  // False when it was completed already (the response is dropped).
  virtual bool complete(Response response) = 0;
};

// Creates a deferred response the server knows how to wait for.
std::shared_ptr<DeferredResponse> make_deferred();

}  // namespace od::http
