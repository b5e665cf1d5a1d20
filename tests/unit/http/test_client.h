// A tiny blocking HTTP/1.1 client over POSIX sockets, so tests can send raw (even broken) bytes
// and read exactly what the server sends back. Every read has a deadline: a hung server fails the
// test instead of hanging it.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <strings.h>
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>

namespace od::http::testing {

// A WebSocket upgrade request for `target`; the key defaults to RFC 6455's sample.
inline std::string upgrade_request(const std::string& target,
                                   const std::string& key = "dGhlIHNhbXBsZSBub25jZQ==",
                                   const std::string& version = "13") {
  return "GET " + target +
         " HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
         "Sec-WebSocket-Key: " +
         key + "\r\nSec-WebSocket-Version: " + version + "\r\n\r\n";
}

struct RawResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // names lowercased
  std::string body;
  std::optional<std::string> header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? std::nullopt : std::optional(it->second);
  }
};

class TestClient {
 public:
  explicit TestClient(uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      ::close(fd_);
      fd_ = -1;
    }
  }
  ~TestClient() {
    if (fd_ >= 0) ::close(fd_);
  }
  TestClient(const TestClient&) = delete;
  TestClient& operator=(const TestClient&) = delete;

  bool connected() const { return fd_ >= 0; }
  int fd() const { return fd_; }

  void send(const std::string& bytes) {
    size_t sent = 0;
    while (sent < bytes.size()) {
      ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return;  // the server may legitimately close early (413, 431)
      sent += static_cast<size_t>(n);
    }
  }

  // Reads what is available, waiting up to `timeout`; "" with eof=true when the peer closed.
  std::string read_some(std::chrono::milliseconds timeout, bool& eof) {
    eof = false;
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(timeout.count())) <= 0) return {};
    char buf[65536];
    ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n <= 0) {
      eof = true;
      return {};
    }
    return std::string(buf, static_cast<size_t>(n));
  }

  // True when the server closes the connection within `deadline`.
  bool wait_for_eof(std::chrono::milliseconds deadline = std::chrono::seconds(10)) {
    auto end = std::chrono::steady_clock::now() + deadline;
    while (std::chrono::steady_clock::now() < end) {
      bool eof = false;
      read_some(std::chrono::milliseconds(100), eof);
      if (eof) return true;
    }
    return false;
  }

  // Reads until `needle` appears in the received text (kept in pending()).
  bool read_until(const std::string& needle,
                  std::chrono::milliseconds deadline = std::chrono::seconds(10)) {
    auto end = std::chrono::steady_clock::now() + deadline;
    while (pending_.find(needle) == std::string::npos) {
      if (std::chrono::steady_clock::now() >= end) return false;
      bool eof = false;
      pending_ += read_some(std::chrono::milliseconds(100), eof);
      if (eof) return pending_.find(needle) != std::string::npos;
    }
    return true;
  }
  const std::string& pending() const { return pending_; }

  // Reads one response with a Content-Length body (or none); throws on timeout or garbage.
  RawResponse read_response(bool head_request = false) {
    if (!read_until("\r\n\r\n")) throw std::runtime_error("no response header: " + pending_);
    size_t end = pending_.find("\r\n\r\n");
    std::string head = pending_.substr(0, end);
    pending_.erase(0, end + 4);
    RawResponse r;
    size_t line_end = head.find("\r\n");
    std::string status_line = head.substr(0, line_end);
    r.status = std::stoi(status_line.substr(9, 3));
    size_t pos = line_end == std::string::npos ? head.size() : line_end + 2;
    while (pos < head.size()) {
      size_t next = head.find("\r\n", pos);
      if (next == std::string::npos) next = head.size();
      std::string line = head.substr(pos, next - pos);
      size_t colon = line.find(':');
      std::string name = line.substr(0, colon);
      for (auto& c : name) c = static_cast<char>(tolower(c));
      std::string value = line.substr(colon + 1);
      value.erase(0, value.find_first_not_of(' '));
      r.headers[name] = value;
      pos = next + 2;
    }
    size_t length = 0;
    if (auto cl = r.header("content-length"); cl && !head_request) length = std::stoul(*cl);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (pending_.size() < length) {
      if (std::chrono::steady_clock::now() >= deadline) throw std::runtime_error("short body");
      bool eof = false;
      pending_ += read_some(std::chrono::milliseconds(100), eof);
      if (eof) throw std::runtime_error("eof in body");
    }
    r.body = pending_.substr(0, length);
    pending_.erase(0, length);
    return r;
  }

  RawResponse request(const std::string& method, const std::string& target,
                      const std::string& body = {}, const std::string& extra_headers = {}) {
    std::string text = method + " " + target + " HTTP/1.1\r\nHost: test\r\n" + extra_headers;
    if (!body.empty() || method == "POST" || method == "PUT") {
      text += "Content-Length: " + std::to_string(body.size()) + "\r\n";
    }
    send(text + "\r\n" + body);
    return read_response(method == "HEAD");
  }

 private:
  int fd_ = -1;
  std::string pending_;
};

}  // namespace od::http::testing
