#include "ai/provider_api.h"

#include "auth/request_auth.h"

namespace od::ai {

void register_provider_routes(http::Router& router, Provider* provider) {
  router.add(http::Method::Get, "/api/v1/ai/provider", [provider](http::Request& req) {
    auth::require_principal(req);
    if (!provider) return http::Response::json(200, {{"configured", false}});
    return http::Response::json(200, {{"configured", true},
                                      {"model", provider->model()},
                                      {"circuit", provider->breaker_status()}});
  });
}

}  // namespace od::ai
