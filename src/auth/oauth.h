// Sign-in with OAuth 2.0 providers (Google, GitHub): the authorization-code flow with PKCE (S256).
// `start` records a pending sign-in (random state bound to the provider, the PKCE verifier and the
// app URL to return to; ten minutes, single use) and gives the provider URL to send the browser
// to; `complete` checks the state, exchanges the code, reads the user's profile and signs in
// through AuthService::sign_in_external. Provider endpoints are configurable so tests (and
// compatible providers) can stand in for the real ones.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auth/service.h"
#include "auth/store.h"

namespace od::auth {

struct OAuthProviderConfig {
  std::string name;  // "google" or "github": also the path segment of its routes
  std::string client_id;
  std::string client_secret;
  std::string authorize_url;
  std::string token_url;
  std::string userinfo_url;
  std::string emails_url;  // GitHub only: /user may not show a (verified) email
  std::string scope;
};

// The real endpoints and scopes; client id and secret are left empty.
OAuthProviderConfig google_defaults();
OAuthProviderConfig github_defaults();

// RFC 7636 S256: base64url(SHA-256(verifier)), unpadded.
std::string pkce_challenge(std::string_view verifier);

// Who the profile documents describe. Throw ApiError 502 `oauth_provider_error` when the
// document lacks a subject.
ExternalIdentity google_identity(const nlohmann::json& userinfo);
// `emails` is GitHub's /user/emails list; the primary verified address wins, then any verified
// one, then (unverified) the profile's public address or the list's primary one.
ExternalIdentity github_identity(const nlohmann::json& user, const nlohmann::json& emails);

struct OAuthCallback {
  std::optional<std::string> code;
  std::optional<std::string> state;
  std::optional<std::string> error;  // set by the provider when the user declined, etc.
  // The state the browser keeps in its cookie since start(): it must equal `state`, so a
  // callback link someone else started (login CSRF) does not sign this browser in.
  std::optional<std::string> browser_state;
};

struct OAuthStart {
  std::string url;    // the provider's authorize URL to send the browser to
  std::string state;  // for the browser to keep (a cookie) and show again at the callback
};

class OAuthService {
 public:
  // `app_origins` are the origins (scheme://host[:port]) an app redirect may point at, besides
  // the public URL's own; a redirect elsewhere would hand the tokens to a stranger.
  OAuthService(AuthService& accounts, AuthStore& store, std::vector<OAuthProviderConfig> providers,
               std::vector<std::string> app_origins);

  // Names of the configured providers.
  std::vector<std::string> provider_names() const;
  // Whether the public URL is https (cookies are then marked Secure).
  bool served_over_https() const;

  // A new sign-in. 404 for an unknown or unconfigured provider, 400 when `app_redirect` is not
  // a URL of this app.
  OAuthStart start(const std::string& provider, const std::string& app_redirect);

  struct Completion {
    Session session;
    std::string redirect;  // the app URL from start(); empty: answer with JSON
  };
  // Finishes a sign-in. 400 `invalid_oauth_state` (unknown, reused or expired state),
  // 400 `oauth_browser_mismatch` (the browser does not hold the state: started elsewhere),
  // 400 `oauth_denied` (the provider reported an error), 400 `oauth_exchange_failed` (the provider
  // refused the code), 502 when the provider cannot be reached or answers nonsense, and the 409s
  // of sign_in_external. Nothing is created on failure.
  Completion complete(const std::string& provider, const OAuthCallback& callback,
                      const std::string& ip);

 private:
  const OAuthProviderConfig& provider(const std::string& name) const;
  std::string callback_url(const OAuthProviderConfig& provider) const;
  std::string resolve_app_redirect(const std::string& redirect) const;
  std::string exchange_code(const OAuthProviderConfig& provider, const std::string& code,
                            const std::string& verifier);
  ExternalIdentity fetch_identity(const OAuthProviderConfig& provider,
                                  const std::string& access_token);

  AuthService& accounts_;
  AuthStore& store_;
  std::vector<OAuthProviderConfig> providers_;
  std::vector<std::string> app_origins_;
};

}  // namespace od::auth
