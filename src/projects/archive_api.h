// HTTP routes for project archives: export a project as a ZIP download, import an uploaded ZIP
// as a new project. The archive format and its validation are in projects/archive.h.
#pragma once

#include "http/router.h"
#include "projects/service.h"

namespace od::projects {

void register_archive_routes(http::Router& router, ProjectsService& service);

}  // namespace od::projects
