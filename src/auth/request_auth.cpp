#include "auth/request_auth.h"

#include "core/error.h"

namespace od::auth {
namespace {

std::optional<std::string> bearer_token(const http::Request& request) {
  auto header = request.header("Authorization");
  if (!header) return std::nullopt;
  constexpr std::string_view kScheme = "Bearer ";
  if (header->size() <= kScheme.size() ||
      !std::equal(kScheme.begin(), kScheme.end(), header->begin(),
                  [](char a, char b) { return std::tolower(a) == std::tolower(b); })) {
    return std::string();  // present but not a bearer token: invalid
  }
  return header->substr(kScheme.size());
}

}  // namespace

http::Middleware authenticate(const AuthService& service) {
  return [&service](http::Request& request, const http::Next& next) {
    if (auto token = bearer_token(request); token && !token->empty()) {
      if (auto principal = service.authenticate(*token)) {
        request.context.user_id = principal->user_id;
        request.context.user_role = principal->role;
      }
    }
    return next(request);
  };
}

std::optional<Principal> optional_principal(const http::Request& request) {
  if (!request.context.user_id.empty()) {
    return Principal{request.context.user_id, request.context.user_role};
  }
  if (bearer_token(request)) {
    throw ApiError(401, "invalid_token", "The access token is invalid or expired; refresh it.");
  }
  return std::nullopt;
}

Principal require_principal_or_query_token(const http::Request& request, const AuthService& service,
                                           const char* param) {
  auto token = request.query(param);
  if (!token || !request.context.user_id.empty() || request.header("Authorization")) {
    return require_principal(request);
  }
  auto principal = service.authenticate(*token);
  if (!principal) {
    throw ApiError(401, "invalid_token", "The access token is invalid or expired; refresh it.");
  }
  return *principal;
}

Principal require_principal(const http::Request& request) {
  auto principal = optional_principal(request);
  if (!principal) throw unauthorized();
  return *principal;
}

}  // namespace od::auth
