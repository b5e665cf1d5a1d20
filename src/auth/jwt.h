// Access tokens: compact JWTs signed with HS256 (a server secret). Verification checks the
// algorithm header strictly (no "none", no algorithm confusion), the signature in constant time,
// and expiry.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace od::auth {

struct AccessClaims {
  std::string user_id;  // sub
  std::string role;
  int64_t issued_at = 0;   // iat, seconds
  int64_t expires_at = 0;  // exp, seconds
};

class JwtSigner {
 public:
  JwtSigner(std::string secret, std::string issuer)
      : secret_(std::move(secret)), issuer_(std::move(issuer)) {}
  std::string sign(const AccessClaims& claims) const;
  // The claims of a valid, unexpired token; nullopt for anything else.
  std::optional<AccessClaims> verify(std::string_view token, int64_t now_seconds) const;

 private:
  std::string secret_;
  std::string issuer_;
};

}  // namespace od::auth
