#include "auth/jwt.h"

#include <nlohmann/json.hpp>

#include "core/crypto.h"

namespace od::auth {
namespace {
// The header is fixed, so its encoding is too: verification compares it byte for byte.
const std::string kHeader = crypto::base64url_encode(R"({"alg":"HS256","typ":"JWT"})");
constexpr size_t kMaxTokenBytes = 4096;
}  // namespace

std::string JwtSigner::sign(const AccessClaims& claims) const {
  nlohmann::json payload = {{"sub", claims.user_id},
                            {"role", claims.role},
                            {"iat", claims.issued_at},
                            {"exp", claims.expires_at},
                            {"iss", issuer_}};
  std::string signing_input = kHeader + "." + crypto::base64url_encode(payload.dump());
  return signing_input + "." +
         crypto::base64url_encode(crypto::hmac_sha256(secret_, signing_input));
}

std::optional<AccessClaims> JwtSigner::verify(std::string_view token, int64_t now_seconds) const {
  if (token.size() > kMaxTokenBytes) return std::nullopt;
  size_t first = token.find('.');
  size_t second = token.find('.', first == std::string_view::npos ? first : first + 1);
  if (first == std::string_view::npos || second == std::string_view::npos) return std::nullopt;
  if (token.substr(0, first) != kHeader) return std::nullopt;
  std::string_view signing_input = token.substr(0, second);
  std::string signature;
  if (!crypto::base64url_decode(token.substr(second + 1), signature)) return std::nullopt;
  if (!crypto::constant_time_equal(signature, crypto::hmac_sha256(secret_, signing_input))) {
    return std::nullopt;
  }
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
    claims.issued_at = payload.at("iat").get<int64_t>();
    claims.expires_at = payload.at("exp").get<int64_t>();
    if (payload.at("iss").get<std::string>() != issuer_) return std::nullopt;
    if (claims.expires_at <= now_seconds) return std::nullopt;
    return claims;
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;
  }
}

}  // namespace od::auth
