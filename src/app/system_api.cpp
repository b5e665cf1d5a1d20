#include "app/system_api.h"

#include "core/error.h"
#include "core/metrics.h"

namespace od::app {

using http::Method;
using http::Request;
using http::Response;

void register_system_routes(http::Router& router, db::Database& db) {
  router.add(Method::Get, "/healthz", [](Request&) {
    return Response::json(200, {{"status", "ok"}});
  });

  router.add(Method::Get, "/readyz", [&db](Request&) {
    // Ready means every dependency answers: a load balancer stops sending traffic otherwise.
    bool database_ok = db.ping();
    nlohmann::json checks = {{"database", database_ok ? "ok" : "unreachable"}};
    if (!database_ok) {
      throw ApiError(503, "not_ready", "A dependency is unreachable.", {{"checks", checks}})
          .with_retry_after(5);
    }
    return Response::json(200, {{"status", "ok"}, {"checks", checks}});
  });

  router.add(Method::Get, "/metrics", [](Request&) {
    return Response::text(200, metrics::render_prometheus(),
                          "text/plain; version=0.0.4; charset=utf-8");
  });

  router.add(Method::Get, "/api/v1/openapi.json", [](Request&) {
    return Response::text(200, std::string(openapi_document()), "application/json");
  });
}

}  // namespace od::app
