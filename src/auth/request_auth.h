// Who is calling, as the HTTP layer sees it: a middleware that verifies the bearer access token
// once per request and records the principal in the request context, and the accessors that
// routes use to require or read it.
#pragma once

#include <optional>

#include "auth/service.h"
#include "http/message.h"
#include "http/middleware.h"

namespace od::auth {

// Sets request.context.user_id/user_role from a valid `Authorization: Bearer` token. It never
// rejects: routes decide whether a caller is required (so rate limits can key on the user).
http::Middleware authenticate(const AuthService& service);

// The caller, or 401 (`unauthorized` without a token, `invalid_token` with a bad or expired one).
Principal require_principal(const http::Request& request);
// For routes a browser opens without being able to set headers (EventSource, WebSocket): the
// caller from the Authorization header when one was sent, else from the access token in the query
// parameter `param`. The access log records paths without queries, so the token stays out of logs.
Principal require_principal_or_query_token(const http::Request& request, const AuthService& service,
                                           const char* param);

// The caller if signed in; 401 when a token was sent but is not valid (a client should learn its
// token expired rather than silently see less).
std::optional<Principal> optional_principal(const http::Request& request);

}  // namespace od::auth
