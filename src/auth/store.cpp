#include "auth/store.h"

#include "core/error.h"

namespace od::auth {
namespace {

constexpr const char* kUserColumns =
    "id, email, password_hash, display_name, role, email_verified, created_at, updated_at";

User user_from_row(const db::Row& row) {
  User user;
  user.id = row.text(0);
  user.email = row.text(1);
  user.password_hash = row.text(2);
  user.display_name = row.text(3);
  user.role = row.text(4);
  user.email_verified = row.boolean(5);
  user.created_at = row.integer(6);
  user.updated_at = row.integer(7);
  return user;
}

std::optional<User> first_user(const db::Result& result) {
  if (result.empty()) return std::nullopt;
  return user_from_row(result.rows.front());
}

constexpr const char* kRefreshColumns =
    "id, user_id, family_id, token_hash, created_at, expires_at, replaced_at, replaced_by, "
    "successor_sealed, revoked_at";

RefreshToken refresh_from_row(const db::Row& row) {
  RefreshToken t;
  t.id = row.text(0);
  t.user_id = row.text(1);
  t.family_id = row.text(2);
  t.token_hash = row.text(3);
  t.created_at = row.integer(4);
  t.expires_at = row.integer(5);
  t.replaced_at = row.optional_integer(6);
  t.replaced_by = row.text(7);
  t.successor_sealed = row.text(8);
  t.revoked_at = row.optional_integer(9);
  return t;
}

constexpr const char* kAuditColumns = "id, at, event, actor_id, subject_id, ip, details";

std::vector<AuditEntry> audit_from_rows(const db::Result& result) {
  std::vector<AuditEntry> entries;
  for (const auto& row : result.rows) {
    AuditEntry e{row.text(0), row.integer(1), row.text(2), row.text(3), row.text(4), row.text(5)};
    e.details = nlohmann::json::parse(row.text(6), nullptr, false);
    entries.push_back(std::move(e));
  }
  return entries;
}

void insert_refresh(db::Session& session, const RefreshToken& t) {
  session.exec(
      "INSERT INTO refresh_tokens (id, user_id, family_id, token_hash, created_at, expires_at) "
      "VALUES ($1, $2, $3, $4, $5, $6)",
      {t.id, t.user_id, t.family_id, t.token_hash, t.created_at, t.expires_at});
}

void insert_user_row(db::Session& session, const User& u) {
  try {
    session.exec(
        "INSERT INTO users (id, email, password_hash, display_name, role, email_verified, "
        "created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        {u.id, u.email, u.password_hash.empty() ? db::Param(nullptr) : db::Param(u.password_hash),
         u.display_name, u.role, u.email_verified, u.created_at, u.updated_at});
  } catch (const db::Error& e) {
    if (e.kind() == db::Error::Kind::UniqueViolation) {
      throw conflict("email_taken", "An account with this email exists already.");
    }
    throw;
  }
}

void insert_identity_row(db::Session& session, const OAuthIdentity& i) {
  try {
    session.exec(
        "INSERT INTO oauth_identities (provider, subject, user_id, email, created_at) "
        "VALUES ($1, $2, $3, $4, $5)",
        {i.provider, i.subject, i.user_id, i.email, i.created_at});
  } catch (const db::Error& e) {
    if (e.kind() == db::Error::Kind::UniqueViolation) {
      throw conflict("identity_taken", "This sign-in is linked to an account already.");
    }
    throw;
  }
}

}  // namespace

void AuthStore::insert_user(const User& u) {
  db_.transaction([&](db::Session& s) { insert_user_row(s, u); });
}

std::optional<User> AuthStore::find_user_by_id(const std::string& id) {
  return first_user(
      db_.query(std::string("SELECT ") + kUserColumns + " FROM users WHERE id = $1", {id}));
}

std::optional<User> AuthStore::find_user_by_email(const std::string& email) {
  return first_user(
      db_.query(std::string("SELECT ") + kUserColumns + " FROM users WHERE email = $1", {email}));
}

std::vector<User> AuthStore::list_users(const std::string& after_id, int limit) {
  auto result = db_.query(
      std::string("SELECT ") + kUserColumns + " FROM users WHERE id > $1 ORDER BY id LIMIT $2",
      {after_id, limit});
  std::vector<User> users;
  for (const auto& row : result.rows) users.push_back(user_from_row(row));
  return users;
}

void AuthStore::update_profile(const std::string& id, const std::string& display_name,
                               int64_t now) {
  db_.execute("UPDATE users SET display_name = $2, updated_at = $3 WHERE id = $1",
              {id, display_name, now});
}

bool AuthStore::set_role(const std::string& id, const std::string& role, int64_t now) {
  return db_.execute("UPDATE users SET role = $2, updated_at = $3 WHERE id = $1", {id, role, now})
             .affected_rows > 0;
}

void AuthStore::set_password_hash(const std::string& id, const std::string& hash, int64_t now) {
  db_.execute("UPDATE users SET password_hash = $2, updated_at = $3 WHERE id = $1",
              {id, hash, now});
}

void AuthStore::set_email_verified(const std::string& id, int64_t now) {
  db_.execute("UPDATE users SET email_verified = 1, updated_at = $2 WHERE id = $1", {id, now});
}

bool AuthStore::delete_user(const std::string& id) {
  return db_.execute("DELETE FROM users WHERE id = $1", {id}).affected_rows > 0;
}

void AuthStore::insert_refresh_token(const RefreshToken& token) {
  db_.transaction([&](db::Session& s) { insert_refresh(s, token); });
}

std::optional<RefreshToken> AuthStore::find_refresh_token(const std::string& token_hash) {
  auto result = db_.query(
      std::string("SELECT ") + kRefreshColumns + " FROM refresh_tokens WHERE token_hash = $1",
      {token_hash});
  if (result.empty()) return std::nullopt;
  return refresh_from_row(result.rows.front());
}

bool AuthStore::rotate_refresh_token(const std::string& old_id, const RefreshToken& successor,
                                     const std::string& successor_sealed, int64_t now) {
  bool rotated = false;
  db_.transaction([&](db::Session& s) {
    auto marked = s.exec(
        "UPDATE refresh_tokens SET replaced_at = $2, replaced_by = $3, successor_sealed = $4 "
        "WHERE id = $1 AND replaced_at IS NULL AND revoked_at IS NULL",
        {old_id, now, successor.id, successor_sealed});
    if (marked.affected_rows == 0) return;
    insert_refresh(s, successor);
    rotated = true;
  });
  return rotated;
}

void AuthStore::revoke_family(const std::string& family_id, int64_t now) {
  db_.execute(
      "UPDATE refresh_tokens SET revoked_at = $2, successor_sealed = NULL "
      "WHERE family_id = $1 AND revoked_at IS NULL",
      {family_id, now});
}

void AuthStore::revoke_user_sessions(const std::string& user_id, int64_t now) {
  db_.execute(
      "UPDATE refresh_tokens SET revoked_at = $2, successor_sealed = NULL "
      "WHERE user_id = $1 AND revoked_at IS NULL",
      {user_id, now});
}

void AuthStore::clear_sealed_successors(int64_t before) {
  db_.execute(
      "UPDATE refresh_tokens SET successor_sealed = NULL "
      "WHERE successor_sealed IS NOT NULL AND replaced_at < $1",
      {before});
}

void AuthStore::insert_one_time_token(const std::string& token_hash, const std::string& user_id,
                                      const std::string& purpose, int64_t expires_at) {
  db_.execute(
      "INSERT INTO one_time_tokens (token_hash, user_id, purpose, expires_at) "
      "VALUES ($1, $2, $3, $4)",
      {token_hash, user_id, purpose, expires_at});
}

std::optional<std::string> AuthStore::consume_one_time_token(const std::string& token_hash,
                                                             const std::string& purpose,
                                                             int64_t now) {
  auto result = db_.execute(
      "UPDATE one_time_tokens SET used_at = $3 WHERE token_hash = $1 AND purpose = $2 "
      "AND used_at IS NULL AND expires_at > $3 RETURNING user_id",
      {token_hash, purpose, now});
  if (result.empty()) return std::nullopt;
  return result.rows.front().text(0);
}

std::optional<std::string> AuthStore::peek_one_time_token(const std::string& token_hash,
                                                          const std::string& purpose, int64_t now) {
  auto result = db_.query(
      "SELECT user_id FROM one_time_tokens WHERE token_hash = $1 AND purpose = $2 "
      "AND used_at IS NULL AND expires_at > $3",
      {token_hash, purpose, now});
  if (result.empty()) return std::nullopt;
  return result.rows.front().text(0);
}

std::optional<std::string> AuthStore::find_identity_user(const std::string& provider,
                                                         const std::string& subject) {
  auto result =
      db_.query("SELECT user_id FROM oauth_identities WHERE provider = $1 AND subject = $2",
                {provider, subject});
  if (result.empty()) return std::nullopt;
  return result.rows.front().text(0);
}

void AuthStore::insert_identity(const OAuthIdentity& identity) {
  db_.transaction([&](db::Session& s) { insert_identity_row(s, identity); });
}

void AuthStore::insert_user_with_identity(const User& user, const OAuthIdentity& identity) {
  db_.transaction([&](db::Session& s) {
    insert_user_row(s, user);
    insert_identity_row(s, identity);
  });
}

void AuthStore::insert_oauth_state(const OAuthState& state, int64_t now) {
  db_.transaction([&](db::Session& s) {
    s.exec("DELETE FROM oauth_states WHERE expires_at < $1", {now});
    s.exec(
        "INSERT INTO oauth_states (state_hash, provider, code_verifier, redirect, expires_at) "
        "VALUES ($1, $2, $3, $4, $5)",
        {state.state_hash, state.provider, state.code_verifier, state.redirect, state.expires_at});
  });
}

std::optional<OAuthState> AuthStore::take_oauth_state(const std::string& state_hash,
                                                      const std::string& provider, int64_t now) {
  auto result = db_.execute(
      "DELETE FROM oauth_states WHERE state_hash = $1 AND provider = $2 "
      "RETURNING code_verifier, redirect, expires_at",
      {state_hash, provider});
  if (result.empty()) return std::nullopt;
  const db::Row& row = result.rows.front();
  OAuthState state{state_hash, provider, row.text(0), row.text(1), row.integer(2)};
  if (state.expires_at <= now) return std::nullopt;
  return state;
}

void AuthStore::insert_audit(const AuditEntry& e) {
  db_.execute(
      "INSERT INTO audit_log (id, at, event, actor_id, subject_id, ip, details) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7)",
      {e.id, e.at, e.event, e.actor_id.empty() ? db::Param(nullptr) : db::Param(e.actor_id),
       e.subject_id.empty() ? db::Param(nullptr) : db::Param(e.subject_id), e.ip,
       e.details.dump()});
}

std::vector<AuditEntry> AuthStore::list_audit(const std::string& after_id, int limit,
                                              const std::string& event) {
  // Newest first: the cursor is the last id seen, and the next page holds older entries.
  return audit_from_rows(
      db_.query(std::string("SELECT ") + kAuditColumns +
                    " FROM audit_log WHERE ($1 = '' OR id < $1) AND ($2 = '' OR event = $2) "
                    "ORDER BY id DESC LIMIT $3",
                {after_id, event, limit}));
}

std::vector<RefreshToken> AuthStore::refresh_tokens_of(const std::string& user_id) {
  auto result = db_.query(std::string("SELECT ") + kRefreshColumns +
                              " FROM refresh_tokens WHERE user_id = $1 ORDER BY created_at, id",
                          {user_id});
  std::vector<RefreshToken> tokens;
  for (const auto& row : result.rows) tokens.push_back(refresh_from_row(row));
  return tokens;
}

std::vector<AuditEntry> AuthStore::audit_of(const std::string& user_id) {
  return audit_from_rows(db_.query(std::string("SELECT ") + kAuditColumns +
                                       " FROM audit_log WHERE actor_id = $1 OR subject_id = $1 "
                                       "ORDER BY id",
                                   {user_id}));
}

std::vector<OAuthIdentity> AuthStore::identities_of(const std::string& user_id) {
  auto result = db_.query(
      "SELECT provider, subject, user_id, email, created_at FROM oauth_identities "
      "WHERE user_id = $1 ORDER BY created_at, provider",
      {user_id});
  std::vector<OAuthIdentity> identities;
  for (const auto& row : result.rows) {
    identities.push_back({row.text(0), row.text(1), row.text(2), row.text(3), row.integer(4)});
  }
  return identities;
}

}  // namespace od::auth
