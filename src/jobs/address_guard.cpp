#include "jobs/address_guard.h"

#include <arpa/inet.h>
#include <netdb.h>

#include <cstring>
#include <memory>
#include <stdexcept>

namespace od::jobs {
namespace {

AddressClass classify_v4(const unsigned char* b) {
  if (b[0] == 0) return AddressClass::Unspecified;
  if (b[0] == 127) return AddressClass::Loopback;
  if (b[0] == 10) return AddressClass::Private;
  if (b[0] == 172 && (b[1] & 0xF0) == 16) return AddressClass::Private;
  if (b[0] == 192 && b[1] == 168) return AddressClass::Private;
  if (b[0] == 100 && (b[1] & 0xC0) == 64) return AddressClass::SharedCgnat;
  if (b[0] == 169 && b[1] == 254) return AddressClass::LinkLocal;
  if (b[0] >= 224) return AddressClass::Multicast;  // multicast, reserved and broadcast
  return AddressClass::Public;
}

AddressClass classify_v6(const unsigned char* b) {
  static const unsigned char kZero[16] = {};
  static const unsigned char kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF};
  static const unsigned char kNat64[12] = {0, 0x64, 0xFF, 0x9B, 0, 0, 0, 0, 0, 0, 0, 0};
  if (std::memcmp(b, kZero, 16) == 0) return AddressClass::Unspecified;
  if (std::memcmp(b, kZero, 15) == 0 && b[15] == 1) return AddressClass::Loopback;
  if (std::memcmp(b, kMapped, 12) == 0 || std::memcmp(b, kNat64, 12) == 0) {
    return classify_v4(b + 12);
  }
  // ::a.b.c.d (deprecated IPv4-compatible) reaches the IPv4 address on some stacks.
  if (std::memcmp(b, kZero, 12) == 0) return classify_v4(b + 12);
  if ((b[0] & 0xFE) == 0xFC) return AddressClass::Private;
  if (b[0] == 0xFE && (b[1] & 0xC0) == 0x80) return AddressClass::LinkLocal;
  if (b[0] == 0xFF) return AddressClass::Multicast;
  return AddressClass::Public;
}

struct AddrInfoDeleter {
  void operator()(addrinfo* info) const { freeaddrinfo(info); }
};

}  // namespace

AddressClass classify_address(const std::string& address) {
  unsigned char bytes[16];
  if (inet_pton(AF_INET, address.c_str(), bytes) == 1) return classify_v4(bytes);
  if (inet_pton(AF_INET6, address.c_str(), bytes) == 1) return classify_v6(bytes);
  return AddressClass::Invalid;
}

const char* address_class_name(AddressClass kind) {
  switch (kind) {
    case AddressClass::Public:
      return "public";
    case AddressClass::Loopback:
      return "loopback";
    case AddressClass::Private:
      return "private";
    case AddressClass::SharedCgnat:
      return "shared (CGNAT)";
    case AddressClass::LinkLocal:
      return "link-local";
    case AddressClass::Unspecified:
      return "unspecified";
    case AddressClass::Multicast:
      return "multicast or reserved";
    case AddressClass::Invalid:
      break;
  }
  return "invalid";
}

bool parse_url_target(const std::string& url, UrlTarget& out) {
  size_t colon = url.find("://");
  if (colon == std::string::npos) return false;
  std::string scheme = url.substr(0, colon);
  for (char& c : scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (scheme != "http" && scheme != "https") return false;
  size_t start = colon + 3;
  size_t end = url.find_first_of("/?#", start);
  std::string authority =
      url.substr(start, end == std::string::npos ? std::string::npos : end - start);
  if (authority.empty() || authority.find('@') != std::string::npos) return false;
  std::string host, port_text;
  if (authority.front() == '[') {
    size_t close = authority.find(']');
    if (close == std::string::npos) return false;
    host = authority.substr(1, close - 1);
    std::string rest = authority.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return false;
      port_text = rest.substr(1);
    }
    if (classify_address(host) == AddressClass::Invalid) return false;
  } else {
    size_t port_colon = authority.rfind(':');
    host = authority.substr(0, port_colon);
    if (port_colon != std::string::npos) port_text = authority.substr(port_colon + 1);
  }
  if (host.empty()) return false;
  for (char c : host) {
    if (static_cast<unsigned char>(c) <= ' ' || c == '/' || c == '\\' || c == '%') return false;
  }
  int port = scheme == "https" ? 443 : 80;
  if (!port_text.empty()) {
    if (port_text.size() > 5) return false;
    port = 0;
    for (char c : port_text) {
      if (c < '0' || c > '9') return false;
      port = port * 10 + (c - '0');
    }
    if (port < 1 || port > 65535) return false;
  }
  out = {scheme, host, port};
  return true;
}

std::string resolve_checked(const std::string& host, bool allow_private) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* raw = nullptr;
  int rc = getaddrinfo(host.c_str(), nullptr, &hints, &raw);
  std::unique_ptr<addrinfo, AddrInfoDeleter> list(raw);
  if (rc != 0 || !raw) {
    throw std::runtime_error("cannot resolve " + host + ": " + gai_strerror(rc));
  }
  std::string chosen;
  for (addrinfo* a = raw; a; a = a->ai_next) {
    char text[INET6_ADDRSTRLEN] = {};
    const void* bytes =
        a->ai_family == AF_INET
            ? static_cast<const void*>(&reinterpret_cast<sockaddr_in*>(a->ai_addr)->sin_addr)
            : static_cast<const void*>(&reinterpret_cast<sockaddr_in6*>(a->ai_addr)->sin6_addr);
    if (!inet_ntop(a->ai_family, bytes, text, sizeof text)) continue;
    AddressClass kind = classify_address(text);
    if (kind == AddressClass::Invalid) continue;
    if (kind != AddressClass::Public && !allow_private) {
      throw std::runtime_error("refused: " + host + " resolves to a " + address_class_name(kind) +
                               " address (" + text + ")");
    }
    if (chosen.empty()) chosen = text;
  }
  if (chosen.empty()) throw std::runtime_error("cannot resolve " + host + " to an IP address");
  return chosen;
}

}  // namespace od::jobs
