// The rules of accounts and sessions: registration, login, refresh-token rotation with reuse
// detection, logout, email verification and password reset by mailed one-time tokens, sign-in
// through external (OAuth) identities, profiles, roles and the audit trail. No HTTP here: api.cpp
// translates.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "auth/access_revocations.h"
#include "auth/jwt.h"
#include "auth/mailer.h"
#include "auth/store.h"

namespace od::auth {

struct AuthConfig {
  std::string jwt_secret;
  // PEM RSA private key: sign with RS256 and publish the public key as a JWKS (default: HS256
  // with jwt_secret).
  std::string jwt_rsa_private_key_pem;
  std::string issuer = "opendesign";
  int64_t access_ttl_seconds = 15 * 60;
  int64_t refresh_ttl_seconds = 30 * 24 * 3600;
  // A rotated refresh token presented again within this window gets the same successor (two
  // tabs refreshing at once); after it, reuse means theft and revokes the whole family.
  int64_t reuse_grace_ms = 10'000;
  // Where the web app lives: mailed links point here ("<public_url>/verify-email?token=...").
  std::string public_url = "http://localhost:8080";
  int64_t verify_ttl_seconds = 24 * 3600;
  int64_t reset_ttl_seconds = 3600;
};

// Who a user is at an OAuth provider, as its userinfo endpoint told us.
struct ExternalIdentity {
  std::string provider;  // "google", "github"
  std::string subject;   // the provider's stable id for the user
  std::string email;
  bool email_verified = false;
  std::string name;
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
  // Mail goes to `mailer`; without one it is written to the log.
  AuthService(AuthStore& store, AuthConfig config, std::shared_ptr<Mailer> mailer = nullptr);

  // Set once before serving when the URL is known only then (the port was 0).
  void set_public_url(std::string url) { config_.public_url = std::move(url); }
  const std::string& public_url() const { return config_.public_url; }

  Session register_user(const std::string& email, const std::string& password,
                        const std::string& display_name, const std::string& ip);
  // A generic 401 `invalid_credentials` for an unknown email and a wrong password alike, taking
  // the same time for both.
  Session login(const std::string& email, const std::string& password, const std::string& ip);
  Session refresh(const std::string& refresh_token, const std::string& ip);
  // Revokes the session of `refresh_token`, or every session of its user when `all`.
  void logout(const std::string& refresh_token, bool all, const std::string& ip);
  void logout_everywhere(const std::string& user_id, const std::string& ip);

  // Mails a fresh verification link to the user (nothing when already verified). Never throws for
  // a mail failure: it is logged.
  void request_email_verification(const std::string& user_id, const std::string& ip);
  // Marks the token's user verified; 400 `invalid_token` for an unknown, used or expired token.
  User verify_email(const std::string& token, const std::string& ip);
  // Mails a reset link when an account has this email; says nothing either way, so callers
  // cannot learn which emails are registered.
  void request_password_reset(const std::string& email, const std::string& ip);
  // Sets a new password (strength rules apply) and ends every session of the user.
  void reset_password(const std::string& token, const std::string& password, const std::string& ip);

  // Signs in with an external identity: the user it is linked to; else links it to the account
  // with the same email when both sides verified that email; else creates an account. 409 when
  // the email belongs to an account but is not verified on both sides (linking then would hand
  // the account to whoever controls the other side).
  Session sign_in_external(const ExternalIdentity& identity, const std::string& ip);

  std::optional<Principal> authenticate(std::string_view access_token) const;
  // The public keys that verify access tokens (none for HS256).
  nlohmann::json jwks() const { return signer_.jwks(); }

  // Refuses the user's access tokens issued until `at_ms` (sessions ended, role changed, account
  // deleted). Local revocations are also reported to the listener, so the app can tell other
  // instances, which apply them with `revoke_access_tokens` (not reported again).
  void revoke_access_tokens(const std::string& user_id, int64_t at_ms);
  void set_revocation_listener(std::function<void(const std::string&, int64_t)> listener) {
    revocation_listener_ = std::move(listener);
  }

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

  // GDPR: what an account holds, for its export, and its removal after re-authentication (the
  // password when it has one: 401 `invalid_credentials` otherwise). What the user owns goes with
  // the row (ON DELETE CASCADE); the audit log keeps a `user_deleted` entry.
  std::vector<RefreshToken> sessions_of(const std::string& id) {
    return store_.refresh_tokens_of(id);
  }
  std::vector<AuditEntry> audit_of(const std::string& id) { return store_.audit_of(id); }
  std::vector<OAuthIdentity> identities_of(const std::string& id) {
    return store_.identities_of(id);
  }
  void delete_account(const std::string& id, const std::string& password, const std::string& ip);

 private:
  Session issue_session(const User& user, const std::string& family_id);
  TokenPair pair_with(const User& user, const std::string& refresh_token, int64_t expires_at);
  void send_verification(const User& user);
  // A fresh one-time token for `purpose`, stored hashed; returns the plain token.
  std::string issue_one_time_token(const std::string& user_id, const std::string& purpose,
                                   int64_t ttl_seconds);
  void send_mail(const Mail& mail);
  void end_access_tokens(const std::string& user_id);

  AuthStore& store_;
  AuthConfig config_;
  JwtSigner signer_;
  std::shared_ptr<Mailer> mailer_;
  AccessRevocations revocations_;
  std::function<void(const std::string&, int64_t)> revocation_listener_;
  std::string dummy_hash_;  // verified against when the email is unknown, to equalise timing
};

}  // namespace od::auth
