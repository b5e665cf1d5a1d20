#include "core/crypto.h"

#include <gtest/gtest.h>

namespace od::crypto {
namespace {

TEST(Crypto, Base64UrlRoundTripsEveryLength) {
  std::string bytes;
  for (int i = 0; i < 64; ++i) {
    std::string encoded = base64url_encode(bytes);
    EXPECT_EQ(encoded.find_first_of("+/="), std::string::npos);
    std::string decoded;
    ASSERT_TRUE(base64url_decode(encoded, decoded)) << encoded;
    EXPECT_EQ(decoded, bytes);
    bytes.push_back(static_cast<char>(i * 37 + 250));
  }
}

TEST(Crypto, Base64UrlKnownVectorsAndRejects) {
  EXPECT_EQ(base64url_encode("\xfb\xff"), "-_8");
  EXPECT_EQ(base64_encode("\xfb\xff"), "+/8=");
  std::string out;
  EXPECT_FALSE(base64url_decode("ab+c", out));  // standard alphabet
  EXPECT_FALSE(base64url_decode("abc=", out));  // padding
  EXPECT_FALSE(base64url_decode("a", out));     // one sextet cannot be a byte
}

TEST(Crypto, HmacSha256MatchesRfc4231Case2) {
  EXPECT_EQ(hex_encode(hmac_sha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(Crypto, ConstantTimeEqual) {
  EXPECT_TRUE(constant_time_equal("abc", "abc"));
  EXPECT_FALSE(constant_time_equal("abc", "abd"));
  EXPECT_FALSE(constant_time_equal("abc", "abcd"));
}

}  // namespace
}  // namespace od::crypto
