// HTTP routes for the GDPR rights: GET /api/v1/me/export and DELETE /api/v1/me.
#pragma once

#include "app/gdpr.h"
#include "http/router.h"

namespace od::app {

void register_gdpr_routes(http::Router& router, UserDataModules modules);

}  // namespace od::app
