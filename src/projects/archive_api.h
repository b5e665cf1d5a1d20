// HTTP routes for project archives: export a project as a ZIP download, import an uploaded ZIP
// as a new project. The archive format and its validation are in projects/archive.h.
// Both stream: export writes the ZIP as the client takes it (asset bytes read from the blob store
// chunk by chunk), import stages the upload on disk (unnamed file) and reads it from there, so
// neither holds a project's assets in memory.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "http/router.h"
#include "projects/archive.h"
#include "projects/service.h"

namespace od::projects {

// Assets live in the assets module, which depends on this one: the composition root passes how to
// collect a project's assets for export and how to upload them into an imported project.
struct ArchiveAssets {
  std::function<std::vector<ExportedAsset>(const std::string& project_id)> collect;
  // Bytes `caller` may still store: an upload larger than this (plus the project's own content)
  // is refused while it arrives, and an archive whose assets declare more before anything is
  // created.
  std::function<int64_t(const auth::Principal& caller)> remaining_quota;
  // Stores one asset of an imported project through the upload path (type sniffing, SVG
  // sanitising, limits, quota), reading its bytes from `read`; returns the asset's id. Throws
  // when the asset is refused.
  std::function<std::string(const auth::Principal& caller, const std::string& project_id,
                            const ArchivedAsset& asset,
                            const std::function<size_t(char*, size_t)>& read)>
      restore;
  // Deletes an asset restored by an import that failed later.
  std::function<void(const auth::Principal& caller, const std::string& asset_id)> remove;
};

struct ArchiveOptions {
  ImportLimits limits;      // limits.max_archive_bytes is also the import route's body limit
  std::string staging_dir;  // where uploads are staged; empty: the system temp dir
};

void register_archive_routes(http::Router& router, ProjectsService& service,
                             ArchiveAssets assets = {}, ArchiveOptions options = {});

// A 200 response that streams `zip` as a download named `file_name` (a safe name: no quotes or
// line breaks), with its exact Content-Length.
http::Response zip_download(std::shared_ptr<const StreamedZip> zip, const std::string& file_name);

}  // namespace od::projects
