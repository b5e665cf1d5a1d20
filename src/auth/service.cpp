#include "auth/service.h"

#include <algorithm>

#include "auth/password.h"
#include "core/crypto.h"
#include "core/error.h"
#include "core/ids.h"
#include "core/log.h"
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

constexpr const char* kVerifyPurpose = "verify_email";
constexpr const char* kResetPurpose = "reset_password";
constexpr size_t kMaxOneTimeToken = 256;
constexpr size_t kMaxDisplayNameBytes = 100;

ApiError invalid_token() {
  return bad_request("invalid_token", "The link or code is not valid (used, expired or unknown).");
}

// "24 hours", "1 hour", "15 minutes": how long a mailed link works, for the mail text.
std::string duration_text(int64_t seconds) {
  auto plural = [](int64_t n, const char* unit) {
    return std::to_string(n) + " " + unit + (n == 1 ? "" : "s");
  };
  if (seconds % 3600 == 0) return plural(seconds / 3600, "hour");
  if (seconds % 60 == 0) return plural(seconds / 60, "minute");
  return plural(seconds, "second");
}

// At most `max` bytes of UTF-8 text, cut at a character boundary.
std::string truncate_utf8(std::string text, size_t max) {
  if (text.size() <= max) return text;
  size_t end = max;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  text.resize(end);
  return text;
}

// A mail carrying a one-time link, and the bare token for apps that ask the user to type it.
std::string link_mail_text(const std::string& intro, const std::string& link,
                           const std::string& token, int64_t ttl_seconds,
                           const std::string& outro) {
  return "Hello,\n\n" + intro + "\n\n" + link + "?token=" + token +
         "\n\nOr enter this code in the app: " + token + "\n\nThe link works once and expires in " +
         duration_text(ttl_seconds) + ". " + outro + "\n";
}

std::string trim(const std::string& s) {
  size_t begin = s.find_first_not_of(" \t\r\n");
  if (begin == std::string::npos) return "";
  return s.substr(begin, s.find_last_not_of(" \t\r\n") - begin + 1);
}

}  // namespace

AuthService::AuthService(AuthStore& store, AuthConfig config, std::shared_ptr<Mailer> mailer)
    : store_(store),
      config_(std::move(config)),
      signer_(config_.jwt_rsa_private_key_pem.empty()
                  ? JwtSigner(config_.jwt_secret, config_.issuer)
                  : JwtSigner::rs256(config_.jwt_rsa_private_key_pem, config_.issuer)),
      mailer_(mailer ? std::move(mailer) : std::make_shared<LogMailer>()),
      revocations_(config_.access_ttl_seconds) {
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
  send_verification(user);
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
    end_access_tokens(token->user_id);
  } else {
    store_.revoke_family(token->family_id, now);
  }
  audit(all ? "logout_all" : "logout", token->user_id, token->user_id, ip);
}

void AuthService::logout_everywhere(const std::string& user_id, const std::string& ip) {
  store_.revoke_user_sessions(user_id, now_ms());
  end_access_tokens(user_id);
  audit("logout_all", user_id, user_id, ip);
}

void AuthService::request_email_verification(const std::string& user_id, const std::string& ip) {
  User user = get_user(user_id);
  if (user.email_verified) return;
  send_verification(user);
  audit("email_verification_requested", user.id, user.id, ip);
}

User AuthService::verify_email(const std::string& token, const std::string& ip) {
  if (token.empty() || token.size() > kMaxOneTimeToken) throw invalid_token();
  int64_t now = now_ms();
  auto user_id = store_.consume_one_time_token(crypto::sha256_hex(token), kVerifyPurpose, now);
  if (!user_id) throw invalid_token();
  auto user = store_.find_user_by_id(*user_id);
  if (!user) throw invalid_token();
  store_.set_email_verified(user->id, now);
  user->email_verified = true;
  user->updated_at = now;
  audit("email_verified", user->id, user->id, ip);
  return *user;
}

void AuthService::request_password_reset(const std::string& raw_email, const std::string& ip) {
  std::string email = normalize_email(raw_email);
  auto user = store_.find_user_by_email(email);
  if (!user) return;
  std::string token = issue_one_time_token(user->id, kResetPurpose, config_.reset_ttl_seconds);
  audit("password_reset_requested", "", user->id, ip);
  send_mail(
      {user->email, "Reset your Open Design password",
       link_mail_text("someone (hopefully you) asked to reset the password of your Open "
                      "Design account. Choose a new one here:",
                      config_.public_url + "/reset-password", token, config_.reset_ttl_seconds,
                      "If you did not ask for it, ignore this mail: your password stays as "
                      "it is.")});
}

void AuthService::reset_password(const std::string& token, const std::string& password,
                                 const std::string& ip) {
  if (token.empty() || token.size() > kMaxOneTimeToken) throw invalid_token();
  std::string token_hash = crypto::sha256_hex(token);
  int64_t now = now_ms();
  // Judge the password before spending the token, so a weak choice can be corrected with the
  // same link; the consume below stays the single, atomic use.
  auto owner = store_.peek_one_time_token(token_hash, kResetPurpose, now);
  auto user = owner ? store_.find_user_by_id(*owner) : std::nullopt;
  if (!user) throw invalid_token();
  if (auto weakness = password_weakness(password, user->email)) {
    throw validation_error("Field 'password' " + *weakness + ".",
                           {{"field", "/password"}, {"problem", *weakness}});
  }
  if (store_.consume_one_time_token(token_hash, kResetPurpose, now) != user->id) {
    throw invalid_token();
  }
  store_.set_password_hash(user->id, hash_password(password), now);
  store_.revoke_user_sessions(user->id, now);
  end_access_tokens(user->id);
  audit("password_reset", user->id, user->id, ip);
}

Session AuthService::sign_in_external(const ExternalIdentity& identity, const std::string& ip) {
  nlohmann::json details = {{"provider", identity.provider}};
  if (auto user_id = store_.find_identity_user(identity.provider, identity.subject)) {
    User user = get_user(*user_id);
    audit("login", user.id, user.id, ip, details);
    return issue_session(user, new_id());
  }
  std::string email;
  try {
    email = normalize_email(identity.email);
  } catch (const ApiError&) {
    throw bad_request("oauth_no_email", "The provider did not share a usable email address.");
  }
  OAuthIdentity link{identity.provider, identity.subject, "", email, now_ms()};
  if (auto existing = store_.find_user_by_email(email)) {
    if (!identity.email_verified || !existing->email_verified) {
      throw conflict("oauth_email_unverified",
                     "An account with this email exists, but the email is not verified on both "
                     "sides; sign in with your password and verify your email first.");
    }
    link.user_id = existing->id;
    store_.insert_identity(link);
    audit("oauth_linked", existing->id, existing->id, ip, details);
    audit("login", existing->id, existing->id, ip, details);
    return issue_session(*existing, new_id());
  }
  User user;
  user.id = link.user_id = new_id();
  user.email = email;
  user.email_verified = identity.email_verified;
  std::string name = truncate_utf8(trim(identity.name), kMaxDisplayNameBytes);
  user.display_name = name.empty() ? email.substr(0, email.find('@')) : name;
  user.created_at = user.updated_at = link.created_at;
  store_.insert_user_with_identity(user, link);
  audit("register", user.id, user.id, ip, details);
  return issue_session(user, new_id());
}

std::optional<Principal> AuthService::authenticate(std::string_view access_token) const {
  auto claims = signer_.verify(access_token, now_ms() / 1000);
  if (!claims || revocations_.is_revoked(claims->user_id, claims->issued_at_ms)) {
    return std::nullopt;
  }
  return Principal{claims->user_id, claims->role};
}

void AuthService::revoke_access_tokens(const std::string& user_id, int64_t at_ms) {
  revocations_.revoke(user_id, at_ms);
}

void AuthService::end_access_tokens(const std::string& user_id) {
  int64_t now = now_ms();
  revocations_.revoke(user_id, now);
  if (revocation_listener_) revocation_listener_(user_id, now);
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
  end_access_tokens(user_id);  // tokens carry the role: the old one must not outlive the change
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
  end_access_tokens(user->id);
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

void AuthService::send_verification(const User& user) {
  std::string token = issue_one_time_token(user.id, kVerifyPurpose, config_.verify_ttl_seconds);
  send_mail({user.email, "Confirm your email address",
             link_mail_text("please confirm the email address of your Open Design account by "
                            "opening this link:",
                            config_.public_url + "/verify-email", token, config_.verify_ttl_seconds,
                            "If you did not create an account, ignore this mail.")});
}

std::string AuthService::issue_one_time_token(const std::string& user_id,
                                              const std::string& purpose, int64_t ttl_seconds) {
  std::string token = crypto::random_token(32);
  store_.insert_one_time_token(crypto::sha256_hex(token), user_id, purpose,
                               now_ms() + ttl_seconds * 1000);
  return token;
}

void AuthService::send_mail(const Mail& mail) {
  // A mail that cannot go out must not undo what the user did (an account, a reset request):
  // log it; the user can ask again.
  try {
    mailer_->send(mail);
  } catch (const std::exception& e) {
    log::error("mail not sent", {{"to", mail.to}, {"subject", mail.subject}, {"error", e.what()}});
  }
}

TokenPair AuthService::pair_with(const User& user, const std::string& refresh_token,
                                 int64_t expires_at) {
  int64_t now = now_ms();
  AccessClaims claims{user.id, user.role, now, now / 1000 + config_.access_ttl_seconds};
  return {signer_.sign(claims), config_.access_ttl_seconds, refresh_token, expires_at};
}

void AuthService::delete_account(const std::string& id, const std::string& password,
                                 const std::string& ip) {
  User user = get_user(id);
  if (!user.password_hash.empty() && !verify_password(password, user.password_hash)) {
    audit("user_delete_failed", id, id, ip);
    throw invalid_credentials();
  }
  if (!store_.delete_user(id)) throw unauthorized("This account no longer exists.");
  end_access_tokens(id);
  // Audit rows hold ids as plain text (no foreign key), so this one outlives the account: the
  // security log must still explain where an account went.
  audit("user_deleted", id, id, ip);
}

}  // namespace od::auth
