// The auth module's SQL: users, refresh tokens, one-time tokens and the audit log.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "auth/user.h"
#include "db/database.h"

namespace od::auth {

class AuthStore {
 public:
  explicit AuthStore(db::Database& db) : db_(db) {}

  // Throws ApiError 409 `email_taken` when the email is registered already.
  void insert_user(const User& user);
  std::optional<User> find_user_by_id(const std::string& id);
  std::optional<User> find_user_by_email(const std::string& email);
  // Users ordered by id, after `after_id` (exclusive).
  std::vector<User> list_users(const std::string& after_id, int limit);
  void update_profile(const std::string& id, const std::string& display_name, int64_t now);
  bool set_role(const std::string& id, const std::string& role, int64_t now);
  void set_password_hash(const std::string& id, const std::string& hash, int64_t now);
  void set_email_verified(const std::string& id, int64_t now);
  bool delete_user(const std::string& id);
  // GDPR export: a user's refresh tokens, audit entries (as actor or subject) and identities.
  std::vector<RefreshToken> refresh_tokens_of(const std::string& user_id);
  std::vector<AuditEntry> audit_of(const std::string& user_id);
  std::vector<OAuthIdentity> identities_of(const std::string& user_id);

  void insert_refresh_token(const RefreshToken& token);
  std::optional<RefreshToken> find_refresh_token(const std::string& token_hash);
  // Marks `old_id` replaced by `successor` and inserts `successor`, atomically, only if `old_id`
  // was not replaced already. False when another request rotated it first.
  bool rotate_refresh_token(const std::string& old_id, const RefreshToken& successor,
                            const std::string& successor_sealed, int64_t now);
  void revoke_family(const std::string& family_id, int64_t now);
  void revoke_user_sessions(const std::string& user_id, int64_t now);
  // Forgets the sealed successor of tokens rotated before `before`: past the grace window it is
  // of no use and should not linger.
  void clear_sealed_successors(int64_t before);

  void insert_one_time_token(const std::string& token_hash, const std::string& user_id,
                             const std::string& purpose, int64_t expires_at);
  // Marks the token used and returns its user id, if it exists for `purpose`, is unused and
  // unexpired. Single use even under concurrent calls.
  std::optional<std::string> consume_one_time_token(const std::string& token_hash,
                                                    const std::string& purpose, int64_t now);

  // The local user signed in through `provider` as `subject`, if that identity is linked.
  std::optional<std::string> find_identity_user(const std::string& provider,
                                                const std::string& subject);
  // Links an identity to an existing user; 409 `identity_taken` when it is linked already.
  void insert_identity(const OAuthIdentity& identity);
  // Creates `user` and links `identity` to it, atomically.
  void insert_user_with_identity(const User& user, const OAuthIdentity& identity);

  // A pending OAuth sign-in; also sweeps rows that expired before `now`.
  void insert_oauth_state(const OAuthState& state, int64_t now);
  // Removes and returns the pending sign-in for `state_hash` at `provider`: each state is taken
  // once, even under concurrent callbacks. Expired rows are removed but not returned.
  std::optional<OAuthState> take_oauth_state(const std::string& state_hash,
                                             const std::string& provider, int64_t now);

  // The user of an unused, unexpired token for `purpose`, without using it up.
  std::optional<std::string> peek_one_time_token(const std::string& token_hash,
                                                 const std::string& purpose, int64_t now);

  void insert_audit(const AuditEntry& entry);
  std::vector<AuditEntry> list_audit(const std::string& after_id, int limit,
                                     const std::string& event);

 private:
  db::Database& db_;
};

}  // namespace od::auth
