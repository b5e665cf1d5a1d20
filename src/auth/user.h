// The account records the auth module keeps.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace od::auth {

inline constexpr const char* kRoleUser = "user";
inline constexpr const char* kRoleDesigner = "designer";
inline constexpr const char* kRoleAdmin = "admin";
bool is_valid_role(const std::string& role);

struct User {
  std::string id;
  std::string email;
  std::string password_hash;  // empty for OAuth-only accounts
  std::string display_name;
  std::string role = kRoleUser;
  bool email_verified = false;
  int64_t created_at = 0;
  int64_t updated_at = 0;
};

// The public JSON view of a user (never the hash).
nlohmann::json to_json(const User& user);

struct RefreshToken {
  std::string id;
  std::string user_id;
  std::string family_id;
  std::string token_hash;
  int64_t created_at = 0;
  int64_t expires_at = 0;
  std::optional<int64_t> replaced_at;
  std::string replaced_by;
  std::string successor_sealed;
  std::optional<int64_t> revoked_at;
};

// A sign-in identity at an OAuth provider, linked to a local user.
struct OAuthIdentity {
  std::string provider;
  std::string subject;  // the provider's stable user id
  std::string user_id;
  std::string email;
  int64_t created_at = 0;
};

// An OAuth sign-in between the redirect to the provider and its callback.
struct OAuthState {
  std::string state_hash;  // SHA-256 hex of the `state` parameter
  std::string provider;
  std::string code_verifier;  // PKCE
  std::string redirect;       // app URL to return to; empty: answer with JSON
  int64_t expires_at = 0;
};

struct AuditEntry {
  std::string id;
  int64_t at = 0;
  std::string event;
  std::string actor_id;
  std::string subject_id;
  std::string ip;
  nlohmann::json details = nlohmann::json::object();
};
nlohmann::json to_json(const AuditEntry& entry);

}  // namespace od::auth
