// Operational routes: liveness, readiness, Prometheus metrics and the OpenAPI document.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "http/router.h"

namespace od {
// The OpenAPI 3.1 document (docs/openapi.json), embedded at build time.
std::string_view openapi_document();
}  // namespace od

namespace od::app {

// A dependency /readyz asks: its name in the report, and a probe that answers quickly.
struct ReadinessCheck {
  std::string name;
  std::function<bool()> ok;
};

void register_system_routes(http::Router& router, std::vector<ReadinessCheck> checks);

}  // namespace od::app
