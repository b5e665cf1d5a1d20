// The SSRF guard for outgoing webhooks: which IP addresses a server-side request may reach, and
// the resolution of a URL's host to one checked address that the connection is then pinned to
// (so a DNS answer that changes between the check and the connect cannot slip through).
#pragma once

#include <string>

namespace od::jobs {

enum class AddressClass {
  Public,
  Loopback,     // 127/8, ::1
  Private,      // 10/8, 172.16/12, 192.168/16, fc00::/7
  SharedCgnat,  // 100.64/10
  LinkLocal,    // 169.254/16 (cloud metadata at 169.254.169.254), fe80::/10
  Unspecified,  // 0/8, ::
  Multicast,    // 224/4, 255.255.255.255, ff00::/8
  Invalid,      // not an IP address
};

// Classifies a numeric IPv4 or IPv6 address. IPv4-mapped (::ffff:a.b.c.d) and NAT64
// (64:ff9b::a.b.c.d) addresses are classified by the IPv4 address they carry.
AddressClass classify_address(const std::string& address);
const char* address_class_name(AddressClass kind);

// The parts of an http(s) URL the guard needs.
struct UrlTarget {
  std::string scheme;  // http | https
  std::string host;    // without brackets for IPv6 literals
  int port = 0;
};
// Parses an absolute http or https URL (no user info); false when it is not one.
bool parse_url_target(const std::string& url, UrlTarget& out);

// Resolves `host` and returns one address to connect to. Throws std::runtime_error naming the
// refusal when the name does not resolve or, unless `allow_private`, when any address it
// resolves to is not Public (a name with one private address among public ones is refused too).
std::string resolve_checked(const std::string& host, bool allow_private);

}  // namespace od::jobs
