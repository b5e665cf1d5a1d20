// Access tokens: compact JWTs signed with HS256 (a server secret, the default) or RS256 (an RSA
// key, whose public half is published as a JWKS so other services can verify tokens without the
// secret). Verification checks the header strictly (exactly our algorithm and key id: no "none",
// no algorithm confusion), the signature, the issuer and expiry.
#pragma once

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace od::auth {

struct AccessClaims {
  std::string user_id;  // sub
  std::string role;
  int64_t issued_at_ms = 0;  // iat, sent as fractional seconds (RFC 7519 allows it)
  int64_t expires_at = 0;    // exp, seconds
};

class JwtSigner {
 public:
  // HS256 with a shared secret.
  JwtSigner(std::string secret, std::string issuer);
  // RS256 with a PEM private key (PKCS#1 or PKCS#8, at least 2048 bits); throws
  // std::invalid_argument for anything else. The key id is derived from the public key.
  static JwtSigner rs256(const std::string& private_key_pem, std::string issuer);

  std::string sign(const AccessClaims& claims) const;
  // The claims of a valid, unexpired token; nullopt for anything else.
  std::optional<AccessClaims> verify(std::string_view token, int64_t now_seconds) const;
  // The JSON Web Key Set to publish: the RSA public key, or no keys for HS256 (a shared secret
  // is never published).
  nlohmann::json jwks() const;

 private:
  struct RsaKey;
  JwtSigner(std::shared_ptr<const RsaKey> key, std::string issuer);
  std::string signature(std::string_view signing_input) const;
  bool signature_valid(std::string_view signing_input, std::string_view signature) const;

  std::string secret_;
  std::shared_ptr<const RsaKey> rsa_;
  std::string issuer_;
  std::string header_;  // base64url of the fixed header, compared byte for byte
};

}  // namespace od::auth
