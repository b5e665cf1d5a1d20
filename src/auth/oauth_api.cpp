// Routes of OAuth sign-in: the browser is sent to /start, comes back to /callback from the
// provider, and leaves with the session in the fragment of the app URL (fragments never reach a
// server log or a Referer header), or as JSON when no app URL was given.
#include "auth/api.h"
#include "auth/http_client.h"
#include "core/percent_encoding.h"

namespace od::auth {
namespace {

using http::Method;
using http::Request;
using http::Response;

Response redirect_to(const std::string& location) {
  Response response;
  response.status = 302;
  response.headers.set("Location", location);
  response.headers.set("Cache-Control", "no-store");
  return response;
}

// The browser keeps the state of the sign-in it started; the callback must show it again.
// SameSite=Lax still sends it on the provider's top-level redirect back to the callback.
constexpr std::string_view kStateCookie = "od_oauth_state";

std::string state_cookie(const std::string& value, int max_age_seconds, bool secure) {
  return std::string(kStateCookie) + "=" + value +
         "; Path=/api/v1/auth/oauth; Max-Age=" + std::to_string(max_age_seconds) +
         "; HttpOnly; SameSite=Lax" + (secure ? "; Secure" : "");
}

// The value of cookie `name` in a Cookie header ("a=1; b=2"), if present.
std::optional<std::string> cookie_value(const std::optional<std::string>& header,
                                        std::string_view name) {
  if (!header) return std::nullopt;
  std::string_view rest = *header;
  while (!rest.empty()) {
    size_t end = rest.find(';');
    std::string_view pair = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
    while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
    size_t eq = pair.find('=');
    if (eq != std::string_view::npos && pair.substr(0, eq) == name) {
      return std::string(pair.substr(eq + 1));
    }
  }
  return std::nullopt;
}

}  // namespace

void register_oauth_routes(http::Router& router, OAuthService& oauth) {
  // A sign-in costs the server outbound requests: rate limit it like a password login.
  http::RouteOptions login_class{0, "login", ""};

  router.add(Method::Get, "/api/v1/auth/oauth/providers", [&oauth](Request&) {
    nlohmann::json items = nlohmann::json::array();
    for (const auto& name : oauth.provider_names()) {
      items.push_back({{"name", name}, {"startUrl", "/api/v1/auth/oauth/" + name + "/start"}});
    }
    return Response::json(200, {{"providers", items}});
  });

  router.add(
      Method::Get, "/api/v1/auth/oauth/{provider}/start",
      [&oauth](Request& req) {
        OAuthStart started = oauth.start(req.param("provider"), req.query("redirect").value_or(""));
        Response response = redirect_to(started.url);
        response.headers.set("Set-Cookie",
                             state_cookie(started.state, 600, oauth.served_over_https()));
        return response;
      },
      login_class);

  router.add(
      Method::Get, "/api/v1/auth/oauth/{provider}/callback",
      [&oauth](Request& req) {
        OAuthCallback callback{req.query("code"), req.query("state"), req.query("error"),
                               cookie_value(req.header("Cookie"), kStateCookie)};
        auto done = oauth.complete(req.param("provider"), callback, req.remote_ip);
        Response response;
        if (done.redirect.empty()) {
          response = Response::json(200, session_json(done.session));
          response.headers.set("Cache-Control", "no-store");
        } else {
          const TokenPair& tokens = done.session.tokens;
          response =
              redirect_to(done.redirect + "#accessToken=" + percent_encode(tokens.access_token) +
                          "&refreshToken=" + percent_encode(tokens.refresh_token) + "&expiresIn=" +
                          std::to_string(tokens.access_expires_in) + "&tokenType=Bearer");
        }
        response.headers.set("Set-Cookie", state_cookie("", 0, oauth.served_over_https()));
        return response;
      },
      login_class);
}

}  // namespace od::auth
