// HTTP routes of the auth module: /api/v1/auth/* (including email verification, password reset
// and OAuth sign-in), /api/v1/me, /api/v1/admin/users, audit log.
#pragma once

#include "auth/oauth.h"
#include "auth/service.h"
#include "http/router.h"

namespace od::auth {

void register_routes(http::Router& router, AuthService& service);
// /api/v1/auth/oauth/*: provider list, start and callback (oauth_api.cpp).
void register_oauth_routes(http::Router& router, OAuthService& oauth);

// The JSON body of a signed-in answer: user, tokens and their lifetimes.
nlohmann::json session_json(const Session& session);

}  // namespace od::auth
