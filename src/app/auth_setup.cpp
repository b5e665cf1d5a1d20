#include "app/auth_setup.h"

#include <stdexcept>

namespace od::app {
namespace {

void override_if_set(std::string& field, const std::string& value) {
  if (!value.empty()) field = value;
}

void add_provider(std::vector<auth::OAuthProviderConfig>& out, auth::OAuthProviderConfig provider,
                  const std::string& id, const std::string& secret) {
  if (id.empty() && secret.empty()) return;
  if (id.empty() || secret.empty()) {
    throw std::invalid_argument("oauth-" + provider.name +
                                "-client-id and -client-secret must be set together");
  }
  provider.client_id = id;
  provider.client_secret = secret;
  out.push_back(std::move(provider));
}

}  // namespace

std::string public_url(const Config& config, int port) {
  std::string url =
      config.public_url.empty() ? "http://localhost:" + std::to_string(port) : config.public_url;
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

std::shared_ptr<auth::Mailer> make_mailer(const Config& config) {
  if (config.smtp_url.empty()) return std::make_shared<auth::LogMailer>();
  auth::SmtpOptions options;
  options.url = config.smtp_url;
  options.user = config.smtp_user;
  options.password = config.smtp_password;
  options.from = config.mail_from;
  return std::make_shared<auth::QueuedMailer>(std::make_unique<auth::SmtpMailer>(options));
}

std::vector<auth::OAuthProviderConfig> oauth_providers(const Config& c) {
  std::vector<auth::OAuthProviderConfig> providers;
  auth::OAuthProviderConfig google = auth::google_defaults();
  override_if_set(google.authorize_url, c.oauth_google_auth_url);
  override_if_set(google.token_url, c.oauth_google_token_url);
  override_if_set(google.userinfo_url, c.oauth_google_userinfo_url);
  add_provider(providers, google, c.oauth_google_client_id, c.oauth_google_client_secret);

  auth::OAuthProviderConfig github = auth::github_defaults();
  override_if_set(github.authorize_url, c.oauth_github_auth_url);
  override_if_set(github.token_url, c.oauth_github_token_url);
  override_if_set(github.userinfo_url, c.oauth_github_userinfo_url);
  override_if_set(github.emails_url, c.oauth_github_emails_url);
  add_provider(providers, github, c.oauth_github_client_id, c.oauth_github_client_secret);
  return providers;
}

}  // namespace od::app
