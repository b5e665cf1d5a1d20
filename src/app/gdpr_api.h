// HTTP routes for the GDPR rights: GET /api/v1/me/export and DELETE /api/v1/me.
#pragma once

#include "assets/service.h"
#include "auth/service.h"
#include "http/router.h"
#include "projects/service.h"

namespace od::app {

void register_gdpr_routes(http::Router& router, auth::AuthService& accounts,
                          projects::ProjectsService& projects, assets::AssetsService& assets);

}  // namespace od::app
