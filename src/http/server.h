// The HTTP/1.1 server: Beast + Asio coroutines on a few network threads. It parses requests with
// header and per-route body limits and read/idle timeouts, matches the route, and runs the
// middleware chain + handler on a bounded worker pool (a full pool answers 503 + Retry-After).
// Keep-alive, optional native TLS, Server-Sent Events streams, graceful drain on stop().
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "http/middleware.h"
#include "http/router.h"

namespace od::http {

struct ServerOptions {
  std::string host = "0.0.0.0";
  uint16_t port = 8080;                 // 0 picks a free port (see Server::listen)
  int io_threads = 1;                   // network threads: parse and write only
  int worker_threads = 8;               // run middleware + handlers (they may block on the DB)
  size_t worker_queue = 4096;           // requests waiting for a worker; beyond it, 503
  size_t max_header_bytes = 16 * 1024;  // 431 beyond it
  size_t max_connections = 10000;       // further connections are closed at once
  std::chrono::milliseconds header_timeout{10000};  // whole header must arrive within (slow loris)
  std::chrono::milliseconds body_timeout{60000};    // whole body must arrive within
  std::chrono::milliseconds idle_timeout{60000};    // keep-alive connection with no request
  std::chrono::milliseconds drain_timeout{20000};   // stop(): how long in-flight work may finish
  std::string tls_cert_file;                        // both set: serve HTTPS only (TLS 1.2+)
  std::string tls_key_file;
  // Streamed uploads and downloads hold a thread for as long as the client takes: they get their
  // own threads (mostly blocked on the network), so they cannot starve ordinary requests.
  int stream_threads = 32;
  size_t stream_queue = 64;  // beyond it, 503
};

struct ServerStats {
  size_t open_connections = 0;
  size_t open_streams = 0;
  size_t workers_busy = 0;
  size_t worker_queue_depth = 0;
};

class Server {
 public:
  Server(ServerOptions options, const Router& router, std::vector<Middleware> chain);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and starts listening; returns the bound port. Throws std::runtime_error on failure.
  uint16_t listen();
  // Serves until stop() (from any thread or a signal handler) has drained; blocks the caller.
  void run();
  // Graceful: stop accepting, let in-flight requests finish (up to drain_timeout), close idle
  // keep-alive connections and open streams, then make run() return. Safe to call repeatedly.
  void stop();
  ServerStats stats() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace od::http
