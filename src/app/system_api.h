// Operational routes: liveness, readiness, Prometheus metrics and the OpenAPI document.
#pragma once

#include <string_view>

#include "db/database.h"
#include "http/router.h"

namespace od {
// The OpenAPI 3.1 document (docs/openapi.json), embedded at build time.
std::string_view openapi_document();
}  // namespace od

namespace od::app {

void register_system_routes(http::Router& router, db::Database& db);

}  // namespace od::app
