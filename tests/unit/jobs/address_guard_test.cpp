// The SSRF guard's address classifier and URL parsing: every range the webhooks must not reach,
// including IPv4 carried inside IPv6 forms, and the URLs submit must refuse.
#include "jobs/address_guard.h"

#include <gtest/gtest.h>

namespace od::jobs {
namespace {

TEST(AddressGuard, ClassifiesIpv4Ranges) {
  EXPECT_EQ(classify_address("8.8.8.8"), AddressClass::Public);
  EXPECT_EQ(classify_address("93.184.216.34"), AddressClass::Public);
  EXPECT_EQ(classify_address("127.0.0.1"), AddressClass::Loopback);
  EXPECT_EQ(classify_address("127.255.1.2"), AddressClass::Loopback);
  EXPECT_EQ(classify_address("10.0.0.1"), AddressClass::Private);
  EXPECT_EQ(classify_address("172.16.0.1"), AddressClass::Private);
  EXPECT_EQ(classify_address("172.31.255.255"), AddressClass::Private);
  EXPECT_EQ(classify_address("172.32.0.1"), AddressClass::Public);
  EXPECT_EQ(classify_address("172.15.255.255"), AddressClass::Public);
  EXPECT_EQ(classify_address("192.168.1.1"), AddressClass::Private);
  EXPECT_EQ(classify_address("100.64.0.1"), AddressClass::SharedCgnat);
  EXPECT_EQ(classify_address("100.127.255.255"), AddressClass::SharedCgnat);
  EXPECT_EQ(classify_address("100.128.0.1"), AddressClass::Public);
  EXPECT_EQ(classify_address("169.254.169.254"), AddressClass::LinkLocal);
  EXPECT_EQ(classify_address("0.0.0.0"), AddressClass::Unspecified);
  EXPECT_EQ(classify_address("224.0.0.1"), AddressClass::Multicast);
  EXPECT_EQ(classify_address("255.255.255.255"), AddressClass::Multicast);
}

TEST(AddressGuard, ClassifiesIpv6RangesAndEmbeddedIpv4) {
  EXPECT_EQ(classify_address("2606:4700::1111"), AddressClass::Public);
  EXPECT_EQ(classify_address("::1"), AddressClass::Loopback);
  EXPECT_EQ(classify_address("::"), AddressClass::Unspecified);
  EXPECT_EQ(classify_address("fd00::1"), AddressClass::Private);
  EXPECT_EQ(classify_address("fc12:3456::1"), AddressClass::Private);
  EXPECT_EQ(classify_address("fe80::1"), AddressClass::LinkLocal);
  EXPECT_EQ(classify_address("ff02::1"), AddressClass::Multicast);
  EXPECT_EQ(classify_address("::ffff:127.0.0.1"), AddressClass::Loopback);
  EXPECT_EQ(classify_address("::ffff:169.254.169.254"), AddressClass::LinkLocal);
  EXPECT_EQ(classify_address("::ffff:8.8.8.8"), AddressClass::Public);
  EXPECT_EQ(classify_address("64:ff9b::10.0.0.1"), AddressClass::Private);
  EXPECT_EQ(classify_address("::127.0.0.1"), AddressClass::Loopback);
}

TEST(AddressGuard, RejectsWhatIsNotAnAddress) {
  EXPECT_EQ(classify_address("localhost"), AddressClass::Invalid);
  EXPECT_EQ(classify_address("127.1"), AddressClass::Invalid);
  EXPECT_EQ(classify_address("0x7f000001"), AddressClass::Invalid);
  EXPECT_EQ(classify_address(""), AddressClass::Invalid);
}

TEST(AddressGuard, ResolvesNamesAndRefusesPrivateTargets) {
  EXPECT_THROW(resolve_checked("localhost", false), std::runtime_error);
  EXPECT_THROW(resolve_checked("127.0.0.1", false), std::runtime_error);
  EXPECT_THROW(resolve_checked("169.254.169.254", false), std::runtime_error);
  EXPECT_EQ(resolve_checked("127.0.0.1", true), "127.0.0.1");
  EXPECT_EQ(resolve_checked("93.184.216.34", false), "93.184.216.34");
  try {
    resolve_checked("10.0.0.8", false);
    FAIL() << "a private address was allowed";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("refused"), std::string::npos) << e.what();
  }
}

TEST(AddressGuard, ParsesHttpUrls) {
  UrlTarget t;
  ASSERT_TRUE(parse_url_target("https://hooks.example.com/x?y=1", t));
  EXPECT_EQ(t.scheme, "https");
  EXPECT_EQ(t.host, "hooks.example.com");
  EXPECT_EQ(t.port, 443);
  ASSERT_TRUE(parse_url_target("HTTP://10.0.0.1:8080", t));
  EXPECT_EQ(t.scheme, "http");
  EXPECT_EQ(t.port, 8080);
  ASSERT_TRUE(parse_url_target("http://[::1]:9000/hook", t));
  EXPECT_EQ(t.host, "::1");
  EXPECT_EQ(t.port, 9000);
  for (const char* bad :
       {"ftp://example.com/", "example.com", "http://", "http://user@host/", "http://host:0/",
        "http://host:65536/", "http://host:8a/", "http://[::1/", "http://[nothost]/",
        "file:///etc/passwd", "http://ho st/", "gopher://x"}) {
    EXPECT_FALSE(parse_url_target(bad, t)) << bad;
  }
}

}  // namespace
}  // namespace od::jobs
