// HTTP routes of the projects module: /api/v1/projects and its members and versions.
#pragma once

#include "http/router.h"
#include "projects/service.h"

namespace od::projects {

void register_routes(http::Router& router, ProjectsService& service);

}  // namespace od::projects
