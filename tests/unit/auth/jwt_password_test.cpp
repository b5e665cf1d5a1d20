// Access-token signing/verification and password hashing rules.
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

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

namespace od::auth {
namespace {

std::string rsa_pem(int bits) {
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(EVP_RSA_gen(bits), &EVP_PKEY_free);
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), &BIO_free);
  PEM_write_bio_PrivateKey(bio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  long size = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(size));
}

TEST(JwtRs256, SignsVerifiesAndPublishesTheKey) {
  JwtSigner signer = JwtSigner::rs256(rsa_pem(2048), "od");
  std::string token = signer.sign({"user-2", "admin", 1000, 2000});
  auto claims = signer.verify(token, 1500);
  ASSERT_TRUE(claims);
  EXPECT_EQ(claims->role, "admin");
  auto jwks = signer.jwks();
  ASSERT_EQ(jwks["keys"].size(), 1u);
  EXPECT_EQ(jwks["keys"][0]["kty"], "RSA");
  EXPECT_EQ(jwks["keys"][0]["e"], "AQAB");
  std::string header;
  ASSERT_TRUE(crypto::base64url_decode(token.substr(0, token.find('.')), header));
  EXPECT_EQ(nlohmann::json::parse(header)["kid"], jwks["keys"][0]["kid"]);
  EXPECT_TRUE(JwtSigner("secret-secret-secret-secret-0123", "od").jwks()["keys"].empty())
      << "a shared secret is never published";
}

TEST(JwtRs256, RefusesOtherKeysTamperingAndAlgorithmConfusion) {
  JwtSigner signer = JwtSigner::rs256(rsa_pem(2048), "od");
  JwtSigner other = JwtSigner::rs256(rsa_pem(2048), "od");
  std::string token = signer.sign({"user-2", "user", 1000, 2000});
  EXPECT_FALSE(other.verify(token, 1500));
  std::string tampered = token;
  tampered[tampered.size() - 3] ^= 1;
  EXPECT_FALSE(signer.verify(tampered, 1500));
  // An HS256 token whose "secret" is public material must not pass an RS256 verifier.
  std::string modulus = signer.jwks()["keys"][0]["n"];
  EXPECT_FALSE(signer.verify(JwtSigner(modulus, "od").sign({"user-2", "admin", 1000, 2000}), 1500));
}

TEST(JwtRs256, RefusesWeakOrMalformedKeys) {
  EXPECT_THROW(JwtSigner::rs256(rsa_pem(1024), "od"), std::invalid_argument);
  EXPECT_THROW(
      JwtSigner::rs256("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", "od"),
      std::invalid_argument);
  EXPECT_THROW(JwtSigner::rs256("", "od"), std::invalid_argument);
}

}  // namespace
}  // namespace od::auth
