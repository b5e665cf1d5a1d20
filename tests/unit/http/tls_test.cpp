// HTTPS end to end: a self-signed certificate made here, a Server with TLS, an OpenSSL client.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <thread>

#include "core/log.h"
#include "http/server.h"
#include "self_signed_cert.h"

namespace od::http {
namespace {

using CtxPtr = std::unique_ptr<SSL_CTX, testing::Deleter<SSL_CTX, SSL_CTX_free>>;
using SslPtr = std::unique_ptr<SSL, testing::Deleter<SSL, SSL_free>>;
using testing::TempDir;
using testing::write_self_signed;

int connect_tcp(uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  timeval timeout{10, 0};  // a hung server fails the test rather than hanging it
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  return fd;
}

TEST(Tls, ServesHttpsWithHsts) {
  log::set_level(log::Level::Warn);
  TempDir dir;
  ServerOptions options;
  options.host = "127.0.0.1";
  options.port = 0;
  options.tls_cert_file = dir.path + "/cert.pem";
  options.tls_key_file = dir.path + "/key.pem";
  write_self_signed(options.tls_cert_file, options.tls_key_file);
  Router router;
  router.add(Method::Get, "/hello", [](Request& r) {
    return Response::json(200, {{"secure", r.secure}});
  });
  Server server(options, router, {security_headers(), error_envelope()});
  uint16_t port = server.listen();
  std::thread runner([&] { server.run(); });

  CtxPtr ctx(SSL_CTX_new(TLS_client_method()));
  SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_NONE, nullptr);  // self-signed, for this test only
  int fd = connect_tcp(port);
  ASSERT_GE(fd, 0);
  SslPtr ssl(SSL_new(ctx.get()));
  SSL_set_fd(ssl.get(), fd);
  ASSERT_EQ(SSL_connect(ssl.get()), 1);
  EXPECT_GE(SSL_version(ssl.get()), TLS1_2_VERSION);
  std::string request = "GET /hello HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n";
  ASSERT_GT(SSL_write(ssl.get(), request.data(), static_cast<int>(request.size())), 0);
  std::string response;
  char buf[4096];
  int n;
  while ((n = SSL_read(ssl.get(), buf, sizeof buf)) > 0) response.append(buf, n);
  ssl.reset();
  ::close(fd);

  EXPECT_TRUE(response.starts_with("HTTP/1.1 200")) << response;
  EXPECT_NE(response.find("Strict-Transport-Security: max-age=31536000"), std::string::npos);
  EXPECT_NE(response.find("{\"secure\":true}"), std::string::npos);
  server.stop();
  runner.join();
}

}  // namespace
}  // namespace od::http
