#include "projects/archive_api.h"

#include <algorithm>
#include <cstdlib>
#include <ostream>

#include "auth/request_auth.h"
#include "core/error.h"
#include "http/writer_buffer.h"
#include "projects/archive.h"
#include "projects/staged_archive.h"

namespace od::projects {
namespace {

using auth::optional_principal;
using auth::require_principal;
using http::Method;
using http::Request;
using http::Response;

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

std::string megabytes(uint64_t bytes) { return std::to_string(bytes / (1024 * 1024)) + " MiB"; }

ApiError quota_exceeded() {
  return ApiError(413, "quota_exceeded", "This import would exceed your storage quota.");
}

// What an upload may take beyond the assets it restores: the manifest, design, code and history,
// and the ZIP's own records. The assets themselves are bounded by the quota.
constexpr uint64_t kContentAllowance = 64ull * 1024 * 1024;

Response export_archive(ProjectsService& service, const ArchiveAssets& assets, Request& req) {
  auto caller = optional_principal(req);
  std::string history = req.query("history").value_or("false");
  if (history != "true" && history != "false") {
    throw validation_error("history must be true or false", {{"field", "history"}});
  }
  Visible visible = service.get(caller, req.param("id"));
  std::vector<Version> versions;
  if (history == "true") versions = all_versions(service, caller, visible.project.id);
  std::vector<ExportedAsset> files;
  if (assets.collect) files = assets.collect(visible.project.id);
  auto zip = std::make_shared<StreamedZip>(
      project_zip(visible.project, history == "true" ? &versions : nullptr, std::move(files)));
  return zip_download(std::move(zip), archive_file_name(visible.project));
}

// Restores the archive's assets into the new project, all or nothing: a refused asset (type,
// size, quota, a corrupt entry) takes the ones before it, and the project, with it.
void restore_assets(ProjectsService& service, const ArchiveAssets& assets,
                    const auth::Principal& me, const std::string& project_id,
                    ProjectArchiveReader& archive) {
  std::vector<std::string> created;
  try {
    const auto& listed = archive.project().assets;
    for (size_t i = 0; i < listed.size(); ++i) {
      created.push_back(assets.restore(me, project_id, listed[i], archive.asset_reader(i)));
    }
  } catch (...) {
    for (const auto& id : created) {
      try {
        assets.remove(me, id);
      } catch (const std::exception&) {
        // Best effort: the project's removal below still takes the rows' project with it.
      }
    }
    service.remove(me, project_id);
    throw;
  }
}

Response import_archive(ProjectsService& service, const ArchiveAssets& assets,
                        const ArchiveOptions& options, Request& req) {
  auto me = require_principal(req);
  if (!is_zip_content_type(req.header("Content-Type").value_or(""))) {
    throw ApiError(415, "unsupported_media_type",
                   "Send the archive as the body with Content-Type: application/zip.");
  }
  // The upload may take at most the archive limit, and no more than the caller could store.
  uint64_t limit = options.limits.max_archive_bytes;
  int64_t room = INT64_MAX;
  if (assets.remaining_quota) room = std::max<int64_t>(assets.remaining_quota(me), 0);
  bool quota_bound = static_cast<uint64_t>(room) < limit - std::min(limit, kContentAllowance);
  if (quota_bound) limit = static_cast<uint64_t>(room) + kContentAllowance;
  auto too_large = [&] {
    if (quota_bound) return quota_exceeded();
    return ApiError(413, "archive_too_large",
                    "The archive is larger than " + megabytes(limit) + ".",
                    {{"reason", "archive_size"}, {"limit", limit}});
  };
  if (auto length = req.header("Content-Length")) {
    // Refused before a byte is staged (the server has already parsed the header as a number).
    if (std::strtoull(length->c_str(), nullptr, 10) > limit) throw too_large();
  }
  http::BodyReader& body = *req.body_reader;
  FILE* staged = stage_archive(
      options.staging_dir, [&body](char* out, size_t max) { return body.read(out, max); }, limit,
      too_large);
  ProjectArchiveReader archive(staged, options.limits);
  const ImportedProject& imported = archive.project();
  bool restoring = assets.restore && !imported.assets.empty();
  if (restoring && assets.remaining_quota) {
    uint64_t declared = 0;
    for (const auto& asset : imported.assets) declared += asset.declared_size;
    if (declared > static_cast<uint64_t>(room)) throw quota_exceeded();
  }
  ProjectInput input;
  input.title = imported.title;
  input.description = imported.description;
  input.tags = imported.tags;
  // Importing never publishes: making a project public is the owner's explicit act.
  input.is_public = false;
  input.is_template = imported.is_template;
  input.design = imported.design;
  input.code = imported.code;
  input.version_label = "imported";
  Visible created = service.create(me, std::move(input));
  if (restoring) restore_assets(service, assets, me, created.project.id, archive);
  return Response::json(201, to_json(created.project, created.access));
}

}  // namespace

http::Response zip_download(std::shared_ptr<const StreamedZip> zip, const std::string& file_name) {
  Response response;
  response.status = 200;
  response.headers.set("Content-Type", "application/zip");
  response.headers.set("Content-Disposition", "attachment; filename=\"" + file_name + "\"");
  response.content_length = zip->size();
  response.body_producer = [zip](http::BodyWriter& writer) {
    http::WriterBuffer buffer(writer);
    std::ostream out(&buffer);
    if (zip->write(out)) out.flush();
  };
  return response;
}

void register_archive_routes(http::Router& router, ProjectsService& service, ArchiveAssets assets,
                             ArchiveOptions options) {
  router.add(Method::Get, "/api/v1/projects/{id}/export",
             [&service, assets](Request& req) { return export_archive(service, assets, req); });
  http::RouteOptions upload;
  upload.max_body_bytes = options.limits.max_archive_bytes;
  upload.rate_class = "upload";
  upload.stream_body = true;
  router.add(
      Method::Post, "/api/v1/projects/import",
      [&service, assets, options](Request& req) {
        return import_archive(service, assets, options, req);
      },
      upload);
}

}  // namespace od::projects
