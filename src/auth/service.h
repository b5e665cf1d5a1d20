// The rules of accounts and sessions: registration, login, refresh-token rotation with reuse
// detection, logout, profiles, roles and the audit trail. No HTTP here: api.cpp translates.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "auth/jwt.h"
#include "auth/store.h"

namespace od::auth {

struct AuthConfig {
  std::string jwt_secret;
  std::string issuer = "opendesign";
  int64_t access_ttl_seconds = 15 * 60;
  int64_t refresh_ttl_seconds = 30 * 24 * 3600;
  // A rotated refresh token presented again within this window gets the same successor (two
  // tabs refreshing at once); after it, reuse means theft and revokes the whole family.
  int64_t reuse_grace_ms = 10'000;
};

struct TokenPair {
  std::string access_token;
  int64_t access_expires_in = 0;  // seconds
  std::string refresh_token;
  int64_t refresh_expires_at = 0;  // unix ms
};

struct Session {
  User user;
  TokenPair tokens;
};

// Who is calling: the verified subject of an access token.
struct Principal {
  std::string user_id;
  std::string role;
  bool is_admin() const { return role == kRoleAdmin; }
};

class AuthService {
 public:
  AuthService(AuthStore& store, AuthConfig config);

  Session register_user(const std::string& email, const std::string& password,
                        const std::string& display_name, const std::string& ip);
  // A generic 401 `invalid_credentials` for an unknown email and a wrong password alike, taking
  // the same time for both.
  Session login(const std::string& email, const std::string& password, const std::string& ip);
  Session refresh(const std::string& refresh_token, const std::string& ip);
  // Revokes the session of `refresh_token`, or every session of its user when `all`.
  void logout(const std::string& refresh_token, bool all, const std::string& ip);
  void logout_everywhere(const std::string& user_id, const std::string& ip);

  std::optional<Principal> authenticate(std::string_view access_token) const;

  User get_user(const std::string& id);
  std::optional<User> find_by_email(const std::string& email);
  bool exists(const std::string& user_id) { return store_.find_user_by_id(user_id).has_value(); }
  User update_profile(const std::string& id, const std::optional<std::string>& display_name);
  std::vector<User> list_users(const Principal& actor, const std::string& after_id, int limit);
  User set_role(const Principal& actor, const std::string& user_id, const std::string& role,
                const std::string& ip);
  // Creates a user without the public rules (CLI bootstrap of the first admin).
  User create_user(const std::string& email, const std::string& password, const std::string& role);
  User set_role_by_email(const std::string& email, const std::string& role);
  std::vector<User> list_all_users(const std::string& after_id, int limit);

  void audit(const std::string& event, const std::string& actor_id, const std::string& subject_id,
             const std::string& ip, nlohmann::json details = nlohmann::json::object());
  std::vector<AuditEntry> list_audit(const Principal& actor, const std::string& after_id, int limit,
                                     const std::string& event);

  // Lowercased, trimmed and validated; throws a 400 naming `field` otherwise.
  static std::string normalize_email(const std::string& email);

 private:
  Session issue_session(const User& user, const std::string& family_id);
  TokenPair pair_with(const User& user, const std::string& refresh_token, int64_t expires_at);

  AuthStore& store_;
  AuthConfig config_;
  JwtSigner signer_;
  std::string dummy_hash_;  // verified against when the email is unknown, to equalise timing
};

}  // namespace od::auth
