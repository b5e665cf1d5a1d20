#include "auth/service.h"

#include <algorithm>

#include "auth/password.h"
#include "core/crypto.h"
#include "core/error.h"
#include "core/ids.h"
#include "core/time.h"

namespace od::auth {
namespace {

ApiError invalid_credentials() {
  return ApiError(401, "invalid_credentials", "The email or password is not correct.");
}
ApiError invalid_refresh() {
  return ApiError(401, "invalid_refresh_token", "The refresh token is not valid; sign in again.");
}

// The successor of a rotated token is kept only sealed with a one-time pad derived from the old
// token, so the database alone never yields a usable token. XOR both seals and unseals.
std::string xor_with_pad(const std::string& old_token, std::string data) {
  std::string pad = crypto::hmac_sha256(old_token, "od-refresh-successor");
  while (pad.size() < data.size()) pad += crypto::hmac_sha256(old_token, pad);
  for (size_t i = 0; i < data.size(); ++i) data[i] ^= pad[i];
  return data;
}

std::string seal_successor(const std::string& old_token, const std::string& successor) {
  return crypto::hex_encode(xor_with_pad(old_token, successor));
}

std::optional<std::string> unseal_successor(const std::string& old_token,
                                            const std::string& sealed_hex) {
  if (sealed_hex.empty() || sealed_hex.size() % 2) return std::nullopt;
  std::string sealed;
  for (size_t i = 0; i < sealed_hex.size(); i += 2) {
    sealed.push_back(static_cast<char>(std::stoi(sealed_hex.substr(i, 2), nullptr, 16)));
  }
  return xor_with_pad(old_token, std::move(sealed));
}

std::string trim(const std::string& s) {
  size_t begin = s.find_first_not_of(" \t\r\n");
  if (begin == std::string::npos) return "";
  return s.substr(begin, s.find_last_not_of(" \t\r\n") - begin + 1);
}

}  // namespace

AuthService::AuthService(AuthStore& store, AuthConfig config)
    : store_(store), config_(std::move(config)), signer_(config_.jwt_secret, config_.issuer) {
  dummy_hash_ = hash_password(crypto::random_token(16));
}

std::string AuthService::normalize_email(const std::string& raw) {
  std::string email = trim(raw);
  std::transform(email.begin(), email.end(), email.begin(), ::tolower);
  size_t at = email.find('@');
  bool ok = email.size() <= 254 && at != std::string::npos && at > 0 &&
            email.find('@', at + 1) == std::string::npos &&
            email.find('.', at + 2) != std::string::npos && email.back() != '.';
  for (unsigned char c : email) {
    if (c <= 0x20 || c == 0x7F || c == '<' || c == '>' || c == ',' || c == ';') ok = false;
  }
  if (!ok) {
    throw validation_error("Field 'email' must be a valid email address.",
                           {{"field", "/email"}, {"problem", "is not a valid email address."}});
  }
  return email;
}

Session AuthService::register_user(const std::string& raw_email, const std::string& password,
                                   const std::string& display_name, const std::string& ip) {
  std::string email = normalize_email(raw_email);
  if (auto weakness = password_weakness(password, email)) {
    throw validation_error("Field 'password' " + *weakness + ".",
                           {{"field", "/password"}, {"problem", *weakness}});
  }
  User user;
  user.id = new_id();
  user.email = email;
  user.password_hash = hash_password(password);
  user.display_name = display_name.empty() ? email.substr(0, email.find('@')) : display_name;
  user.created_at = user.updated_at = now_ms();
  store_.insert_user(user);
  audit("register", user.id, user.id, ip);
  return issue_session(user, new_id());
}

Session AuthService::login(const std::string& raw_email, const std::string& password,
                           const std::string& ip) {
  std::string email;
  try {
    email = normalize_email(raw_email);
  } catch (const ApiError&) {
    throw invalid_credentials();
  }
  auto user = store_.find_user_by_email(email);
  bool ok = verify_password(password, user ? user->password_hash : dummy_hash_) && user;
  if (!ok) {
    audit("login_failed", "", user ? user->id : "", ip, {{"email", email}});
    throw invalid_credentials();
  }
  audit("login", user->id, user->id, ip);
  return issue_session(*user, new_id());
}

Session AuthService::refresh(const std::string& refresh_token, const std::string& ip) {
  if (refresh_token.empty() || refresh_token.size() > 256) throw invalid_refresh();
  int64_t now = now_ms();
  auto token = store_.find_refresh_token(crypto::sha256_hex(refresh_token));
  if (!token || token->revoked_at || token->expires_at <= now) throw invalid_refresh();
  auto user = store_.find_user_by_id(token->user_id);
  if (!user) throw invalid_refresh();

  if (!token->replaced_at) {
    RefreshToken successor;
    std::string successor_plain = crypto::random_token(32);
    successor.id = new_id();
    successor.user_id = user->id;
    successor.family_id = token->family_id;
    successor.token_hash = crypto::sha256_hex(successor_plain);
    successor.created_at = now;
    successor.expires_at = now + config_.refresh_ttl_seconds * 1000;
    if (store_.rotate_refresh_token(token->id, successor,
                                    seal_successor(refresh_token, successor_plain), now)) {
      store_.clear_sealed_successors(now - config_.reuse_grace_ms);
      return {*user, pair_with(*user, successor_plain, successor.expires_at)};
    }
    // Another request rotated it between our read and write: fall through to the grace path.
    token = store_.find_refresh_token(crypto::sha256_hex(refresh_token));
    if (!token || token->revoked_at || !token->replaced_at) throw invalid_refresh();
  }

  if (now - *token->replaced_at <= config_.reuse_grace_ms) {
    auto successor_plain = unseal_successor(refresh_token, token->successor_sealed);
    auto successor = successor_plain
                         ? store_.find_refresh_token(crypto::sha256_hex(*successor_plain))
                         : std::nullopt;
    if (successor && !successor->revoked_at) {
      return {*user, pair_with(*user, *successor_plain, successor->expires_at)};
    }
  }
  // A rotated token came back after the grace window: it was copied. Revoke the whole family so
  // neither the thief nor the victim keeps a session, and record it.
  store_.revoke_family(token->family_id, now);
  audit("token_reuse", "", user->id, ip, {{"familyId", token->family_id}});
  throw invalid_refresh();
}

void AuthService::logout(const std::string& refresh_token, bool all, const std::string& ip) {
  if (refresh_token.empty() || refresh_token.size() > 256) throw invalid_refresh();
  auto token = store_.find_refresh_token(crypto::sha256_hex(refresh_token));
  if (!token) throw invalid_refresh();
  int64_t now = now_ms();
  if (all) {
    store_.revoke_user_sessions(token->user_id, now);
  } else {
    store_.revoke_family(token->family_id, now);
  }
  audit(all ? "logout_all" : "logout", token->user_id, token->user_id, ip);
}

void AuthService::logout_everywhere(const std::string& user_id, const std::string& ip) {
  store_.revoke_user_sessions(user_id, now_ms());
  audit("logout_all", user_id, user_id, ip);
}

std::optional<Principal> AuthService::authenticate(std::string_view access_token) const {
  auto claims = signer_.verify(access_token, now_ms() / 1000);
  if (!claims) return std::nullopt;
  return Principal{claims->user_id, claims->role};
}

User AuthService::get_user(const std::string& id) {
  auto user = store_.find_user_by_id(id);
  // The token is valid but the account is gone (deleted): treat the caller as signed out.
  if (!user) throw unauthorized("This account no longer exists.");
  return *user;
}

std::optional<User> AuthService::find_by_email(const std::string& email) {
  return store_.find_user_by_email(normalize_email(email));
}

User AuthService::update_profile(const std::string& id,
                                 const std::optional<std::string>& display_name) {
  User user = get_user(id);
  if (display_name) {
    user.display_name = *display_name;
    user.updated_at = now_ms();
    store_.update_profile(id, user.display_name, user.updated_at);
  }
  return user;
}

std::vector<User> AuthService::list_users(const Principal& actor, const std::string& after_id,
                                          int limit) {
  if (!actor.is_admin()) throw forbidden("Only administrators may list users.");
  return store_.list_users(after_id, limit);
}

User AuthService::set_role(const Principal& actor, const std::string& user_id,
                           const std::string& role, const std::string& ip) {
  if (!actor.is_admin()) throw forbidden("Only administrators may change roles.");
  if (!is_valid_role(role)) {
    throw validation_error("Field 'role' must be one of user, designer, admin.",
                           {{"field", "/role"}});
  }
  auto user = store_.find_user_by_id(user_id);
  if (!user) throw not_found("user");
  std::string previous = user->role;
  store_.set_role(user_id, role, now_ms());
  audit("role_changed", actor.user_id, user_id, ip, {{"from", previous}, {"to", role}});
  user->role = role;
  return *user;
}

User AuthService::create_user(const std::string& raw_email, const std::string& password,
                              const std::string& role) {
  if (!is_valid_role(role)) throw validation_error("role must be one of user, designer, admin");
  std::string email = normalize_email(raw_email);
  if (auto weakness = password_weakness(password, email)) {
    throw validation_error("password " + *weakness);
  }
  User user;
  user.id = new_id();
  user.email = email;
  user.password_hash = hash_password(password);
  user.display_name = email.substr(0, email.find('@'));
  user.role = role;
  user.created_at = user.updated_at = now_ms();
  store_.insert_user(user);
  audit("user_created", "", user.id, "cli", {{"role", role}});
  return user;
}

User AuthService::set_role_by_email(const std::string& email, const std::string& role) {
  if (!is_valid_role(role)) throw validation_error("role must be one of user, designer, admin");
  auto user = store_.find_user_by_email(normalize_email(email));
  if (!user) throw not_found("user");
  store_.set_role(user->id, role, now_ms());
  audit("role_changed", "", user->id, "cli", {{"from", user->role}, {"to", role}});
  user->role = role;
  return *user;
}

std::vector<User> AuthService::list_all_users(const std::string& after_id, int limit) {
  return store_.list_users(after_id, limit);
}

void AuthService::audit(const std::string& event, const std::string& actor_id,
                        const std::string& subject_id, const std::string& ip,
                        nlohmann::json details) {
  AuditEntry entry;
  entry.id = new_id();
  entry.at = now_ms();
  entry.event = event;
  entry.actor_id = actor_id;
  entry.subject_id = subject_id;
  entry.ip = ip;
  entry.details = std::move(details);
  store_.insert_audit(entry);
}

std::vector<AuditEntry> AuthService::list_audit(const Principal& actor, const std::string& after_id,
                                                int limit, const std::string& event) {
  if (!actor.is_admin()) throw forbidden("Only administrators may read the audit log.");
  return store_.list_audit(after_id, limit, event);
}

Session AuthService::issue_session(const User& user, const std::string& family_id) {
  RefreshToken token;
  std::string plain = crypto::random_token(32);
  int64_t now = now_ms();
  token.id = new_id();
  token.user_id = user.id;
  token.family_id = family_id;
  token.token_hash = crypto::sha256_hex(plain);
  token.created_at = now;
  token.expires_at = now + config_.refresh_ttl_seconds * 1000;
  store_.insert_refresh_token(token);
  return {user, pair_with(user, plain, token.expires_at)};
}

TokenPair AuthService::pair_with(const User& user, const std::string& refresh_token,
                                 int64_t expires_at) {
  int64_t now_s = now_ms() / 1000;
  AccessClaims claims{user.id, user.role, now_s, now_s + config_.access_ttl_seconds};
  return {signer_.sign(claims), config_.access_ttl_seconds, refresh_token, expires_at};
}

}  // namespace od::auth
