#include "auth/oauth.h"

#include <algorithm>
#include <cctype>

#include "auth/http_client.h"
#include "core/crypto.h"
#include "core/error.h"
#include "core/log.h"
#include "core/time.h"

namespace od::auth {
namespace {

constexpr int64_t kStateTtlMs = 10 * 60 * 1000;
constexpr size_t kMaxParam = 2048;  // code, state, redirect: generous, but bounded
constexpr int kMaxProviderJsonDepth = 16;
constexpr const char* kUserAgent = "User-Agent: opendesign";

ApiError invalid_state() {
  return bad_request("invalid_oauth_state",
                     "The sign-in link is not valid (unknown, used or expired); start again.");
}
ApiError provider_error(const std::string& what) {
  return ApiError(502, "oauth_provider_error", "The sign-in provider " + what + ".");
}

// Provider answers are untrusted input too: parse with a depth bound, never throw.
std::optional<nlohmann::json> parse_provider_json(const std::string& body) {
  bool too_deep = false;
  auto guard = [&](int depth, nlohmann::json::parse_event_t event, nlohmann::json&) {
    if ((event == nlohmann::json::parse_event_t::object_start ||
         event == nlohmann::json::parse_event_t::array_start) &&
        depth >= kMaxProviderJsonDepth) {
      too_deep = true;
    }
    return !too_deep;
  };
  auto value = nlohmann::json::parse(body, guard, false);
  if (too_deep || value.is_discarded()) return std::nullopt;
  return value;
}

std::string string_member(const nlohmann::json& obj, const char* key) {
  auto it = obj.find(key);
  return it != obj.end() && it->is_string() ? it->get<std::string>() : "";
}

// GitHub ids are numbers, Google's are strings; either becomes the subject string.
std::string id_member(const nlohmann::json& obj, const char* key) {
  auto it = obj.find(key);
  if (it == obj.end()) return "";
  if (it->is_string()) return it->get<std::string>();
  if (it->is_number_integer()) return std::to_string(it->get<int64_t>());
  return "";
}

bool true_member(const nlohmann::json& obj, const char* key) {
  auto it = obj.find(key);
  if (it == obj.end()) return false;
  return (it->is_boolean() && it->get<bool>()) || (it->is_string() && *it == "true");
}

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

// "scheme://authority" of an absolute http(s) URL without user info, lowercased; empty otherwise.
std::string origin_of(const std::string& url) {
  size_t scheme_end = url.find("://");
  if (scheme_end == std::string::npos) return "";
  std::string scheme = lower(url.substr(0, scheme_end));
  if (scheme != "http" && scheme != "https") return "";
  size_t host_begin = scheme_end + 3;
  size_t host_end = url.find_first_of("/?#", host_begin);
  std::string authority = url.substr(host_begin, host_end - host_begin);
  if (authority.empty() || authority.find('@') != std::string::npos) return "";
  return scheme + "://" + lower(authority);
}

std::string with_query(const std::string& url,
                       const std::vector<std::pair<std::string, std::string>>& fields) {
  return url + (url.find('?') == std::string::npos ? "?" : "&") + form_encode(fields);
}

}  // namespace

OAuthProviderConfig google_defaults() {
  return {"google",
          "",
          "",
          "https://accounts.google.com/o/oauth2/v2/auth",
          "https://oauth2.googleapis.com/token",
          "https://openidconnect.googleapis.com/v1/userinfo",
          "",
          "openid email profile"};
}

OAuthProviderConfig github_defaults() {
  return {"github",
          "",
          "",
          "https://github.com/login/oauth/authorize",
          "https://github.com/login/oauth/access_token",
          "https://api.github.com/user",
          "https://api.github.com/user/emails",
          "read:user user:email"};
}

std::string pkce_challenge(std::string_view verifier) {
  return crypto::base64url_encode(crypto::sha256(verifier));
}

ExternalIdentity google_identity(const nlohmann::json& info) {
  if (!info.is_object()) throw provider_error("sent a profile that is not a JSON object");
  ExternalIdentity identity;
  identity.provider = "google";
  identity.subject = id_member(info, "sub");
  if (identity.subject.empty()) throw provider_error("sent a profile without a subject");
  identity.email = string_member(info, "email");
  identity.email_verified = true_member(info, "email_verified");
  identity.name = string_member(info, "name");
  return identity;
}

ExternalIdentity github_identity(const nlohmann::json& user, const nlohmann::json& emails) {
  if (!user.is_object()) throw provider_error("sent a profile that is not a JSON object");
  ExternalIdentity identity;
  identity.provider = "github";
  identity.subject = id_member(user, "id");
  if (identity.subject.empty()) throw provider_error("sent a profile without an id");
  identity.name = string_member(user, "name");
  if (identity.name.empty()) identity.name = string_member(user, "login");
  identity.email = string_member(user, "email");
  if (!emails.is_array()) return identity;
  const nlohmann::json* verified = nullptr;
  const nlohmann::json* primary = nullptr;
  for (const auto& entry : emails) {
    if (!entry.is_object() || string_member(entry, "email").empty()) continue;
    if (true_member(entry, "primary")) primary = &entry;
    if (!true_member(entry, "verified")) continue;
    if (!verified || (true_member(entry, "primary") && !true_member(*verified, "primary"))) {
      verified = &entry;
    }
  }
  if (verified) {
    identity.email = string_member(*verified, "email");
    identity.email_verified = true;
  } else if (identity.email.empty() && primary) {
    identity.email = string_member(*primary, "email");  // unverified: creates, never links
  }
  return identity;
}

OAuthService::OAuthService(AuthService& accounts, AuthStore& store,
                           std::vector<OAuthProviderConfig> providers,
                           std::vector<std::string> app_origins)
    : accounts_(accounts), store_(store), providers_(std::move(providers)) {
  for (auto& origin : app_origins) {
    std::string normalized = origin_of(origin);
    if (!normalized.empty()) app_origins_.push_back(normalized);
  }
}

std::vector<std::string> OAuthService::provider_names() const {
  std::vector<std::string> names;
  for (const auto& p : providers_) names.push_back(p.name);
  return names;
}

const OAuthProviderConfig& OAuthService::provider(const std::string& name) const {
  for (const auto& p : providers_) {
    if (p.name == name) return p;
  }
  throw not_found("sign-in provider");
}

bool OAuthService::served_over_https() const {
  return accounts_.public_url().rfind("https://", 0) == 0;
}

std::string OAuthService::callback_url(const OAuthProviderConfig& provider) const {
  return accounts_.public_url() + "/api/v1/auth/oauth/" + provider.name + "/callback";
}

std::string OAuthService::resolve_app_redirect(const std::string& redirect) const {
  if (redirect.empty()) return "";
  auto refuse = [] {
    return validation_error(
        "Query parameter 'redirect' must be a path or a URL of this app (the public URL or a "
        "CORS origin), without a fragment.",
        {{"field", "redirect"}});
  };
  if (redirect.size() > kMaxParam) throw refuse();
  for (unsigned char c : redirect) {
    if (c <= 0x20 || c == 0x7F || c == '\\' || c == '#') throw refuse();
  }
  if (redirect[0] == '/') {
    if (redirect.size() > 1 && redirect[1] == '/') throw refuse();  // "//host": another site
    return accounts_.public_url() + redirect;
  }
  std::string origin = origin_of(redirect);
  if (origin.empty()) throw refuse();
  if (origin == origin_of(accounts_.public_url())) return redirect;
  if (std::find(app_origins_.begin(), app_origins_.end(), origin) == app_origins_.end()) {
    throw refuse();
  }
  return redirect;
}

OAuthStart OAuthService::start(const std::string& name, const std::string& app_redirect) {
  const OAuthProviderConfig& p = provider(name);
  OAuthState pending;
  std::string state = crypto::random_token(32);
  pending.state_hash = crypto::sha256_hex(state);
  pending.provider = p.name;
  pending.code_verifier = crypto::random_token(32);  // 43 characters, as RFC 7636 asks
  pending.redirect = resolve_app_redirect(app_redirect);
  int64_t now = now_ms();
  pending.expires_at = now + kStateTtlMs;
  store_.insert_oauth_state(pending, now);
  std::string url =
      with_query(p.authorize_url, {{"response_type", "code"},
                                   {"client_id", p.client_id},
                                   {"redirect_uri", callback_url(p)},
                                   {"scope", p.scope},
                                   {"state", state},
                                   {"code_challenge", pkce_challenge(pending.code_verifier)},
                                   {"code_challenge_method", "S256"}});
  return {std::move(url), std::move(state)};
}

OAuthService::Completion OAuthService::complete(const std::string& name,
                                                const OAuthCallback& callback,
                                                const std::string& ip) {
  const OAuthProviderConfig& p = provider(name);
  std::optional<OAuthState> pending;
  // Take the state first, even when the provider reports an error: every state is used once.
  if (callback.state && !callback.state->empty() && callback.state->size() <= kMaxParam) {
    pending = store_.take_oauth_state(crypto::sha256_hex(*callback.state), p.name, now_ms());
  }
  if (callback.error) {
    std::string reason = callback.error->substr(0, 64);
    log::info("oauth sign-in refused by the provider", {{"provider", p.name}, {"error", reason}});
    throw ApiError(400, "oauth_denied", "The sign-in was not completed at the provider.",
                   {{"providerError", reason}});
  }
  if (!pending) throw invalid_state();
  if (!callback.browser_state ||
      !crypto::constant_time_equal(*callback.browser_state, *callback.state)) {
    throw ApiError(400, "oauth_browser_mismatch",
                   "This sign-in was started in another browser, or cookies are blocked; start it "
                   "again here.");
  }
  if (!callback.code || callback.code->empty() || callback.code->size() > kMaxParam) {
    throw validation_error("Query parameter 'code' is required.", {{"field", "code"}});
  }
  std::string access_token = exchange_code(p, *callback.code, pending->code_verifier);
  ExternalIdentity identity = fetch_identity(p, access_token);
  return {accounts_.sign_in_external(identity, ip), pending->redirect};
}

std::string OAuthService::exchange_code(const OAuthProviderConfig& p, const std::string& code,
                                        const std::string& verifier) {
  HttpRequest request;
  request.method = "POST";
  request.url = p.token_url;
  request.headers = {"Accept: application/json", "Content-Type: application/x-www-form-urlencoded",
                     kUserAgent};
  request.body = form_encode({{"grant_type", "authorization_code"},
                              {"code", code},
                              {"redirect_uri", callback_url(p)},
                              {"client_id", p.client_id},
                              {"client_secret", p.client_secret},
                              {"code_verifier", verifier}});
  HttpResponse response;
  try {
    response = http_fetch(request);
  } catch (const std::exception& e) {
    log::warn("oauth token exchange failed", {{"provider", p.name}, {"error", e.what()}});
    throw provider_error("could not be reached");
  }
  auto body = parse_provider_json(response.body);
  // GitHub reports a refused code as 200 with an `error` member, others as 400/401.
  bool refused = (response.status >= 400 && response.status < 500) ||
                 (body && body->is_object() && body->contains("error"));
  if (refused) {
    std::string reason = body && body->is_object() ? string_member(*body, "error") : "";
    log::warn("oauth code refused",
              {{"provider", p.name}, {"status", response.status}, {"error", reason.substr(0, 64)}});
    throw ApiError(400, "oauth_exchange_failed",
                   "The provider refused the sign-in code; start again.",
                   {{"providerError", reason.substr(0, 64)}});
  }
  std::string token = body && body->is_object() ? string_member(*body, "access_token") : "";
  if (response.status != 200 || token.empty()) {
    log::warn("oauth token response unusable", {{"provider", p.name}, {"status", response.status}});
    throw provider_error("sent an unusable token response");
  }
  return token;
}

ExternalIdentity OAuthService::fetch_identity(const OAuthProviderConfig& p,
                                              const std::string& access_token) {
  auto get_json = [&](const std::string& url) -> std::optional<nlohmann::json> {
    HttpRequest request;
    request.url = url;
    request.headers = {"Authorization: Bearer " + access_token, "Accept: application/json",
                       kUserAgent};
    HttpResponse response;
    try {
      response = http_fetch(request);
    } catch (const std::exception& e) {
      log::warn("oauth profile request failed", {{"provider", p.name}, {"error", e.what()}});
      throw provider_error("could not be reached");
    }
    if (response.status != 200) {
      log::warn("oauth profile request refused",
                {{"provider", p.name}, {"url", url}, {"status", response.status}});
      return std::nullopt;
    }
    return parse_provider_json(response.body);
  };
  auto profile = get_json(p.userinfo_url);
  if (!profile) throw provider_error("did not send the user's profile");
  if (p.name == "github") {
    // Without a usable list the profile's own address is taken, unverified.
    auto emails = p.emails_url.empty() ? std::nullopt : get_json(p.emails_url);
    return github_identity(*profile, emails.value_or(nlohmann::json::array()));
  }
  return google_identity(*profile);
}

}  // namespace od::auth
