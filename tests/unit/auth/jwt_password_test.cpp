// Access-token signing/verification and password hashing rules.
#include <gtest/gtest.h>

#include "auth/jwt.h"
#include "auth/password.h"
#include "core/crypto.h"

namespace od::auth {
namespace {

TEST(Jwt, RoundTripsClaims) {
  JwtSigner signer("secret-secret-secret-secret-0123", "od");
  std::string token = signer.sign({"user-1", "designer", 1000, 2000});
  auto claims = signer.verify(token, 1500);
  ASSERT_TRUE(claims);
  EXPECT_EQ(claims->user_id, "user-1");
  EXPECT_EQ(claims->role, "designer");
  EXPECT_EQ(claims->expires_at, 2000);
}

TEST(Jwt, RejectsExpiredForeignAndTamperedTokens) {
  JwtSigner signer("secret-secret-secret-secret-0123", "od");
  std::string token = signer.sign({"user-1", "user", 1000, 2000});
  EXPECT_FALSE(signer.verify(token, 2000)) << "expired at exp";
  EXPECT_FALSE(JwtSigner("another-secret-another-secret-01", "od").verify(token, 1500));
  EXPECT_FALSE(JwtSigner("secret-secret-secret-secret-0123", "other").verify(token, 1500));
  std::string tampered = token;
  tampered[token.find('.') + 5] ^= 1;
  EXPECT_FALSE(signer.verify(tampered, 1500));
  // alg=none with the same payload and no signature.
  std::string none = crypto::base64url_encode(R"({"alg":"none","typ":"JWT"})") +
                     token.substr(token.find('.'), token.rfind('.') - token.find('.')) + ".";
  EXPECT_FALSE(signer.verify(none, 1500));
  EXPECT_FALSE(signer.verify("", 1500));
  EXPECT_FALSE(signer.verify("a.b", 1500));
  EXPECT_FALSE(signer.verify(std::string(5000, 'a'), 1500));
}

TEST(Password, HashesVerifyAndSaltsDiffer) {
  std::string a = hash_password("Correct-Horse-9");
  std::string b = hash_password("Correct-Horse-9");
  EXPECT_NE(a, b);
  EXPECT_EQ(a.rfind("$argon2id$", 0), 0u);
  EXPECT_TRUE(verify_password("Correct-Horse-9", a));
  EXPECT_FALSE(verify_password("Correct-Horse-8", a));
  EXPECT_FALSE(verify_password("Correct-Horse-9", ""));
  EXPECT_FALSE(verify_password("Correct-Horse-9", "not a hash"));
}

TEST(Password, StrengthRules) {
  EXPECT_FALSE(password_weakness("Correct-Horse-9", "ada@example.com"));
  EXPECT_TRUE(password_weakness("Short-1", "ada@example.com")) << "too short";
  EXPECT_TRUE(password_weakness("alllowercaseletters", "ada@example.com")) << "one class";
  EXPECT_TRUE(password_weakness("aaaaaaaaaaA1", "ada@example.com")) << "mostly one char";
  EXPECT_TRUE(password_weakness("Lovelace-2024", "lovelace@example.com")) << "contains the email";
  EXPECT_TRUE(password_weakness(std::string(300, 'a') + "A1-", "x@example.com")) << "too long";
}

}  // namespace
}  // namespace od::auth
