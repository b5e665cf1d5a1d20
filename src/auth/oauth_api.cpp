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
        return redirect_to(oauth.start(req.param("provider"), req.query("redirect").value_or("")));
      },
      login_class);

  router.add(
      Method::Get, "/api/v1/auth/oauth/{provider}/callback",
      [&oauth](Request& req) {
        OAuthCallback callback{req.query("code"), req.query("state"), req.query("error")};
        auto done = oauth.complete(req.param("provider"), callback, req.remote_ip);
        if (done.redirect.empty()) {
          Response response = Response::json(200, session_json(done.session));
          response.headers.set("Cache-Control", "no-store");
          return response;
        }
        const TokenPair& tokens = done.session.tokens;
        return redirect_to(done.redirect + "#accessToken=" + percent_encode(tokens.access_token) +
                           "&refreshToken=" + percent_encode(tokens.refresh_token) + "&expiresIn=" +
                           std::to_string(tokens.access_expires_in) + "&tokenType=Bearer");
      },
      login_class);
}

}  // namespace od::auth
