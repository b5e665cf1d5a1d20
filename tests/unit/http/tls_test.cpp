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

namespace od::http {
namespace {

template <typename T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const { Free(p); }
};
using KeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using CertPtr = std::unique_ptr<X509, Deleter<X509, X509_free>>;
using CtxPtr = std::unique_ptr<SSL_CTX, Deleter<SSL_CTX, SSL_CTX_free>>;
using SslPtr = std::unique_ptr<SSL, Deleter<SSL, SSL_free>>;

struct TempDir {
  TempDir() {
    char pattern[] = "/tmp/od-tls-XXXXXX";
    path = mkdtemp(pattern);
  }
  ~TempDir() { std::filesystem::remove_all(path); }
  std::string path;
};

// Writes a self-signed P-256 certificate for 127.0.0.1 and its key as PEM files.
void write_self_signed(const std::string& cert_file, const std::string& key_file) {
  KeyPtr key(EVP_EC_gen("P-256"));
  ASSERT_TRUE(key);
  CertPtr cert(X509_new());
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), 0);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 3600);
  X509_set_pubkey(cert.get(), key.get());
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("127.0.0.1"), -1, -1, 0);
  X509_set_issuer_name(cert.get(), name);
  ASSERT_GT(X509_sign(cert.get(), key.get(), EVP_sha256()), 0);
  FILE* f = std::fopen(cert_file.c_str(), "w");
  PEM_write_X509(f, cert.get());
  std::fclose(f);
  f = std::fopen(key_file.c_str(), "w");
  PEM_write_PrivateKey(f, key.get(), nullptr, nullptr, 0, nullptr, nullptr);
  std::fclose(f);
}

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
