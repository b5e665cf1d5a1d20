#include "auth/api.h"

#include "auth/password.h"
#include "auth/request_auth.h"
#include "core/error.h"
#include "core/json_input.h"
#include "core/pagination.h"
#include "core/time.h"

namespace od::auth {
namespace {

using http::Method;
using http::Request;
using http::Response;
namespace ji = json_input;

constexpr size_t kMaxDisplayName = 100;
constexpr size_t kAuthBodyLimit = 8 * 1024;
constexpr size_t kMaxOneTimeToken = 256;

}  // namespace

nlohmann::json session_json(const Session& session) {
  return {{"user", to_json(session.user)},
          {"accessToken", session.tokens.access_token},
          {"tokenType", "Bearer"},
          {"expiresIn", session.tokens.access_expires_in},
          {"refreshToken", session.tokens.refresh_token},
          {"refreshExpiresAt", rfc3339(session.tokens.refresh_expires_at)}};
}

namespace {

std::string password_field(const nlohmann::json& body) {
  // Length rules for new passwords live in password_weakness; here only the hard byte bound.
  auto password = ji::string_field(body, "password", true, 1, kMaxPasswordLength);
  return *password;
}

}  // namespace

void register_routes(http::Router& router, AuthService& service) {
  http::RouteOptions login_class{kAuthBodyLimit, "login", ""};

  router.add(
      Method::Post, "/api/v1/auth/register",
      [&service](Request& req) {
        auto body = ji::parse_object(req.body);
        ji::reject_unknown_fields(body, {"email", "password", "displayName"});
        auto email = ji::string_field(body, "email", true, 3, 254);
        std::string password = password_field(body);
        auto name = ji::string_field(body, "displayName", false, 1, kMaxDisplayName);
        auto session = service.register_user(*email, password, name.value_or(""), req.remote_ip);
        return Response::json(201, session_json(session));
      },
      login_class);

  router.add(
      Method::Post, "/api/v1/auth/login",
      [&service](Request& req) {
        auto body = ji::parse_object(req.body);
        auto email = ji::string_field(body, "email", true, 1, 254);
        std::string password = password_field(body);
        return Response::json(200, session_json(service.login(*email, password, req.remote_ip)));
      },
      login_class);

  router.add(Method::Post, "/api/v1/auth/refresh",
             [&service](Request& req) {
               auto body = ji::parse_object(req.body);
               auto token = ji::string_field(body, "refreshToken", true, 1, 256);
               return Response::json(200, session_json(service.refresh(*token, req.remote_ip)));
             },
             {kAuthBodyLimit, "auth", ""});

  router.add(Method::Post, "/api/v1/auth/logout",
             [&service](Request& req) {
               bool all = req.query("all").value_or("") == "true";
               auto body = req.body.empty() ? nlohmann::json::object() : ji::parse_object(req.body);
               auto token = ji::string_field(body, "refreshToken", false, 1, 256);
               if (token) {
                 service.logout(*token, all, req.remote_ip);
               } else if (all) {
                 service.logout_everywhere(require_principal(req).user_id, req.remote_ip);
               } else {
                 throw validation_error(
                     "Field 'refreshToken' is required (or use ?all=true when signed in).",
                     {{"field", "/refreshToken"}});
               }
               return Response::no_content();
             },
             {kAuthBodyLimit, "auth", ""});

  router.add(
      Method::Post, "/api/v1/auth/verify-email/request",
      [&service](Request& req) {
        service.request_email_verification(require_principal(req).user_id, req.remote_ip);
        return Response::no_content();
      },
      login_class);

  router.add(Method::Post, "/api/v1/auth/verify-email",
             [&service](Request& req) {
               auto body = ji::parse_object(req.body);
               ji::reject_unknown_fields(body, {"token"});
               auto token = ji::string_field(body, "token", true, 1, kMaxOneTimeToken);
               return Response::json(200, to_json(service.verify_email(*token, req.remote_ip)));
             },
             {kAuthBodyLimit, "auth", ""});

  router.add(
      Method::Post, "/api/v1/auth/password/forgot",
      [&service](Request& req) {
        auto body = ji::parse_object(req.body);
        ji::reject_unknown_fields(body, {"email"});
        auto email = ji::string_field(body, "email", true, 1, 254);
        service.request_password_reset(*email, req.remote_ip);
        // The same answer whether or not the account exists.
        return Response::json(
            202, {{"message", "If an account has this email, a reset link is on its way."}});
      },
      login_class);

  router.add(
      Method::Post, "/api/v1/auth/password/reset",
      [&service](Request& req) {
        auto body = ji::parse_object(req.body);
        ji::reject_unknown_fields(body, {"token", "password"});
        auto token = ji::string_field(body, "token", true, 1, kMaxOneTimeToken);
        service.reset_password(*token, password_field(body), req.remote_ip);
        return Response::no_content();
      },
      login_class);

  router.add(Method::Get, "/.well-known/jwks.json",
             [&service](Request&) { return Response::json(200, service.jwks()); });

  router.add(Method::Get, "/api/v1/me", [&service](Request& req) {
    return Response::json(200, to_json(service.get_user(require_principal(req).user_id)));
  });

  router.add(Method::Patch, "/api/v1/me",
             [&service](Request& req) {
               Principal me = require_principal(req);
               auto body = ji::parse_object(req.body);
               ji::reject_unknown_fields(body, {"displayName"});
               auto name = ji::string_field(body, "displayName", false, 1, kMaxDisplayName);
               return Response::json(200, to_json(service.update_profile(me.user_id, name)));
             },
             {kAuthBodyLimit, "api", ""});

  router.add(Method::Get, "/api/v1/admin/users", [&service](Request& req) {
    Principal me = require_principal(req);
    PageRequest page = parse_page(req.query("limit"), req.query("cursor"));
    auto users = service.list_users(me, page.after, page.limit);
    nlohmann::json items = nlohmann::json::array();
    for (const auto& u : users) items.push_back(to_json(u));
    return Response::json(200, page_json(items, users.empty() ? "" : users.back().id, page.limit));
  });

  router.add(Method::Patch, "/api/v1/admin/users/{id}",
             [&service](Request& req) {
               Principal me = require_principal(req);
               auto body = ji::parse_object(req.body);
               ji::reject_unknown_fields(body, {"role"});
               auto role = ji::string_field(body, "role", true, 1, 20);
               return Response::json(
                   200, to_json(service.set_role(me, req.param("id"), *role, req.remote_ip)));
             },
             {kAuthBodyLimit, "api", ""});

  router.add(Method::Get, "/api/v1/admin/audit", [&service](Request& req) {
    Principal me = require_principal(req);
    PageRequest page = parse_page(req.query("limit"), req.query("cursor"));
    std::string event = req.query("event").value_or("");
    if (event.size() > 64) throw validation_error("event filter is too long");
    auto entries = service.list_audit(me, page.after, page.limit, event);
    nlohmann::json items = nlohmann::json::array();
    for (const auto& e : entries) items.push_back(to_json(e));
    return Response::json(200,
                          page_json(items, entries.empty() ? "" : entries.back().id, page.limit));
  });
}

}  // namespace od::auth
