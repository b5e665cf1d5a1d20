#include "auth/jwt.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <cmath>
#include <stdexcept>

#include "core/crypto.h"

namespace od::auth {
namespace {

constexpr size_t kMaxTokenBytes = 4096;

std::string bn_param(const EVP_PKEY* key, const char* name) {
  BIGNUM* bn = nullptr;
  if (EVP_PKEY_get_bn_param(key, name, &bn) != 1) throw std::invalid_argument("not an RSA key");
  std::string out(static_cast<size_t>(BN_num_bytes(bn)), '\0');
  BN_bn2bin(bn, reinterpret_cast<unsigned char*>(out.data()));
  BN_free(bn);
  return out;
}

}  // namespace

struct JwtSigner::RsaKey {
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> pkey{nullptr, &EVP_PKEY_free};
  std::string kid;
  std::string modulus;   // n, big-endian bytes
  std::string exponent;  // e
};

JwtSigner::JwtSigner(std::string secret, std::string issuer)
    : secret_(std::move(secret)),
      issuer_(std::move(issuer)),
      header_(crypto::base64url_encode(R"({"alg":"HS256","typ":"JWT"})")) {}

JwtSigner::JwtSigner(std::shared_ptr<const RsaKey> key, std::string issuer)
    : rsa_(std::move(key)), issuer_(std::move(issuer)) {
  header_ = crypto::base64url_encode(
      nlohmann::json{{"alg", "RS256"}, {"kid", rsa_->kid}, {"typ", "JWT"}}.dump());
}

JwtSigner JwtSigner::rs256(const std::string& private_key_pem, std::string issuer) {
  auto key = std::make_shared<RsaKey>();
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(
      BIO_new_mem_buf(private_key_pem.data(), static_cast<int>(private_key_pem.size())), &BIO_free);
  key->pkey.reset(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  if (!key->pkey || EVP_PKEY_get_base_id(key->pkey.get()) != EVP_PKEY_RSA) {
    throw std::invalid_argument("the JWT signing key must be an RSA private key in PEM");
  }
  if (EVP_PKEY_get_bits(key->pkey.get()) < 2048) {
    throw std::invalid_argument("the JWT signing key must have at least 2048 bits");
  }
  key->modulus = bn_param(key->pkey.get(), OSSL_PKEY_PARAM_RSA_N);
  key->exponent = bn_param(key->pkey.get(), OSSL_PKEY_PARAM_RSA_E);
  // A stable id from the public key, so verifiers can pick the right key after a rotation.
  key->kid = crypto::base64url_encode(crypto::sha256(key->modulus + key->exponent)).substr(0, 16);
  return JwtSigner(std::move(key), std::move(issuer));
}

std::string JwtSigner::signature(std::string_view input) const {
  if (!rsa_) return crypto::hmac_sha256(secret_, input);
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  size_t length = 0;
  if (EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, rsa_->pkey.get()) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &length,
                     reinterpret_cast<const unsigned char*>(input.data()), input.size()) != 1) {
    throw std::runtime_error("RS256 signing failed");
  }
  std::string out(length, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), &length,
                     reinterpret_cast<const unsigned char*>(input.data()), input.size()) != 1) {
    throw std::runtime_error("RS256 signing failed");
  }
  out.resize(length);
  return out;
}

bool JwtSigner::signature_valid(std::string_view input, std::string_view sig) const {
  if (!rsa_) return crypto::constant_time_equal(sig, crypto::hmac_sha256(secret_, input));
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  return EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, rsa_->pkey.get()) == 1 &&
         EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(sig.data()), sig.size(),
                          reinterpret_cast<const unsigned char*>(input.data()), input.size()) == 1;
}

std::string JwtSigner::sign(const AccessClaims& claims) const {
  nlohmann::json payload = {{"sub", claims.user_id},
                            {"role", claims.role},
                            {"iat", static_cast<double>(claims.issued_at_ms) / 1000.0},
                            {"exp", claims.expires_at},
                            {"iss", issuer_}};
  std::string signing_input = header_ + "." + crypto::base64url_encode(payload.dump());
  return signing_input + "." + crypto::base64url_encode(signature(signing_input));
}

std::optional<AccessClaims> JwtSigner::verify(std::string_view token, int64_t now_seconds) const {
  if (token.size() > kMaxTokenBytes) return std::nullopt;
  size_t first = token.find('.');
  if (first == std::string_view::npos) return std::nullopt;
  size_t second = token.find('.', first + 1);
  if (second == std::string_view::npos) return std::nullopt;
  if (token.substr(0, first) != header_) return std::nullopt;
  std::string_view signing_input = token.substr(0, second);
  std::string sig;
  if (!crypto::base64url_decode(token.substr(second + 1), sig)) return std::nullopt;
  if (!signature_valid(signing_input, sig)) return std::nullopt;
  std::string payload_text;
  if (!crypto::base64url_decode(token.substr(first + 1, second - first - 1), payload_text)) {
    return std::nullopt;
  }
  auto payload = nlohmann::json::parse(payload_text, nullptr, false);
  if (!payload.is_object()) return std::nullopt;
  try {
    AccessClaims claims;
    claims.user_id = payload.at("sub").get<std::string>();
    claims.role = payload.at("role").get<std::string>();
    claims.issued_at_ms = std::llround(payload.at("iat").get<double>() * 1000.0);
    claims.expires_at = payload.at("exp").get<int64_t>();
    if (payload.at("iss").get<std::string>() != issuer_) return std::nullopt;
    if (claims.expires_at <= now_seconds) return std::nullopt;
    return claims;
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;
  }
}

nlohmann::json JwtSigner::jwks() const {
  nlohmann::json keys = nlohmann::json::array();
  if (rsa_) {
    keys.push_back({{"kty", "RSA"},
                    {"use", "sig"},
                    {"alg", "RS256"},
                    {"kid", rsa_->kid},
                    {"n", crypto::base64url_encode(rsa_->modulus)},
                    {"e", crypto::base64url_encode(rsa_->exponent)}});
  }
  return {{"keys", keys}};
}

}  // namespace od::auth
