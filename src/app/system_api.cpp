#include "app/system_api.h"

#include "core/error.h"
#include "core/metrics.h"

namespace od::app {

using http::Method;
using http::Request;
using http::Response;

void register_system_routes(http::Router& router, std::vector<ReadinessCheck> checks) {
  router.add(Method::Get, "/healthz", [](Request&) {
    return Response::json(200, {{"status", "ok"}});
  });

  router.add(Method::Get, "/readyz", [checks = std::move(checks)](Request&) {
    // Ready means every dependency answers: a load balancer stops sending traffic otherwise.
    nlohmann::json report = nlohmann::json::object();
    bool all_ok = true;
    for (const auto& check : checks) {
      bool ok = check.ok();
      report[check.name] = ok ? "ok" : "unreachable";
      all_ok = all_ok && ok;
    }
    if (!all_ok) {
      throw ApiError(503, "not_ready", "A dependency is unreachable.", {{"checks", report}})
          .with_retry_after(5);
    }
    return Response::json(200, {{"status", "ok"}, {"checks", report}});
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
