// HTTP routes for project archives: export a project as a ZIP download, import an uploaded ZIP
// as a new project. The archive format and its validation are in projects/archive.h.
#pragma once

#include <functional>
#include <vector>

#include "http/router.h"
#include "projects/archive.h"
#include "projects/service.h"

namespace od::projects {

// Assets live in the assets module, which depends on this one: the composition root passes how to
// collect a project's assets for export and how to upload them into an imported project.
struct ArchiveAssets {
  std::function<std::vector<ArchivedAsset>(const std::string& project_id)> collect;
  // Throws (and the import is undone) when an asset is refused.
  std::function<void(const auth::Principal& caller, const std::string& project_id,
                     const std::vector<ArchivedAsset>& assets)>
      restore;
};

void register_archive_routes(http::Router& router, ProjectsService& service,
                             ArchiveAssets assets = {});

}  // namespace od::projects
