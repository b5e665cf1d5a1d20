// Builds the auth module's outside connections from the Config: the mailer (SMTP or the log) and
// the OAuth providers that are configured. Kept apart from application.cpp so the composition
// root stays a list of wiring steps.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "app/config.h"
#include "auth/mailer.h"
#include "auth/oauth.h"

namespace od::app {

// The public URL without a trailing slash; `port` stands in when none is configured.
std::string public_url(const Config& config, int port);
// SMTP (queued, so requests never wait for the mail server) when smtp-url is set, else the log.
std::shared_ptr<auth::Mailer> make_mailer(const Config& config);
// Every provider with a client id and secret; throws std::invalid_argument when only one of the
// two is set (a half-configured provider is a mistake, not a wish to disable it).
std::vector<auth::OAuthProviderConfig> oauth_providers(const Config& config);

}  // namespace od::app
