#include "projects/archive_api.h"

#include <algorithm>

#include "auth/request_auth.h"
#include "core/error.h"
#include "projects/archive.h"

namespace od::projects {
namespace {

using auth::optional_principal;
using auth::require_principal;
using http::Method;
using http::Request;
using http::Response;

// The upload is the whole archive, so the body limit is the archive limit.
constexpr size_t kImportBodyLimit = 20 * 1024 * 1024;
constexpr int kVersionPage = 100;

bool is_zip_content_type(const std::string& header) {
  std::string type = header.substr(0, header.find(';'));
  type.erase(std::remove(type.begin(), type.end(), ' '), type.end());
  std::transform(type.begin(), type.end(), type.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return type == "application/zip";
}

// Every version the caller may read, oldest first (history is bounded by the retention count).
std::vector<Version> all_versions(ProjectsService& service, const Caller& caller,
                                  const std::string& id) {
  std::vector<Version> out;
  int64_t before = INT64_MAX;
  for (;;) {
    auto page = service.versions(caller, id, before, kVersionPage);
    if (page.empty()) break;
    before = page.back().number;
    out.insert(out.end(), std::make_move_iterator(page.begin()),
               std::make_move_iterator(page.end()));
    if (page.size() < kVersionPage) break;
  }
  std::reverse(out.begin(), out.end());
  return out;
}

}  // namespace

void register_archive_routes(http::Router& router, ProjectsService& service, ArchiveAssets assets) {
  router.add(Method::Get, "/api/v1/projects/{id}/export", [&service, assets](Request& req) {
    auto caller = optional_principal(req);
    std::string history = req.query("history").value_or("false");
    if (history != "true" && history != "false") {
      throw validation_error("history must be true or false", {{"field", "history"}});
    }
    Visible visible = service.get(caller, req.param("id"));
    std::vector<Version> versions;
    if (history == "true") versions = all_versions(service, caller, visible.project.id);
    std::vector<ArchivedAsset> files;
    if (assets.collect) files = assets.collect(visible.project.id);
    Response response = Response::text(
        200, export_project_zip(visible.project, history == "true" ? &versions : nullptr, files),
        "application/zip");
    response.headers.set("Content-Disposition",
                         "attachment; filename=\"" + archive_file_name(visible.project) + "\"");
    return response;
  });

  router.add(Method::Post, "/api/v1/projects/import",
             [&service, assets](Request& req) {
               auto me = require_principal(req);
               if (!is_zip_content_type(req.header("Content-Type").value_or(""))) {
                 throw ApiError(415, "unsupported_media_type",
                                "Send the archive as the body with Content-Type: application/zip.");
               }
               ImportedProject archive = parse_project_zip(req.body, ImportLimits{});
               ProjectInput input;
               input.title = archive.title;
               input.description = archive.description;
               input.tags = archive.tags;
               // Importing never publishes: making a project public is the owner's explicit act.
               input.is_public = false;
               input.is_template = archive.is_template;
               input.design = archive.design;
               input.code = archive.code;
               input.version_label = "imported";
               Visible created = service.create(me, std::move(input));
               if (assets.restore && !archive.assets.empty()) {
                 try {
                   assets.restore(me, created.project.id, archive.assets);
                 } catch (...) {
                   // All or nothing: a refused asset (type, quota) takes the project with it.
                   service.remove(me, created.project.id);
                   throw;
                 }
               }
               return Response::json(201, to_json(created.project, created.access));
             },
             {kImportBodyLimit, "upload", ""});
}

}  // namespace od::projects
