#include "ai/generate_api.h"

#include <charconv>
#include <sstream>

#include "ai/generate.h"
#include "auth/request_auth.h"
#include "core/error.h"
#include "core/json_input.h"
#include "core/time.h"
#include "projects/archive.h"

namespace od::ai {
namespace {

using http::Method;
using http::Request;
using http::Response;
namespace ji = json_input;

constexpr size_t kGenerateBodyLimit = 16 * 1024;

nlohmann::json time_or_null(int64_t ms) { return ms > 0 ? nlohmann::json(rfc3339(ms)) : nullptr; }

nlohmann::json status_json(const jobs::Job& job) {
  nlohmann::json out = {{"jobId", job.id},
                        {"type", job.type},
                        {"status", job.status},
                        {"progress", job.progress},
                        {"progressMessage", job.progress_message},
                        {"attempts", job.attempts},
                        {"createdAt", time_or_null(job.created_at)},
                        {"startedAt", time_or_null(job.started_at)},
                        {"finishedAt", time_or_null(job.finished_at)}};
  if (!job.error_code.empty()) {
    out["error"] = {{"code", job.error_code}, {"message", job.error_message}};
  }
  return out;
}

// The stored files of a done generate, design2code or image2code job (all list them the same
// way); throws 404 for other job types.
const nlohmann::json& result_files(const jobs::Job& job) {
  if (job.type != "generate" && job.type != "design2code" && job.type != "image2code") {
    throw not_found("results");
  }
  if (job.status != jobs::kDone || !job.result || !(*job.result).contains("files") ||
      !(*job.result)["files"].is_array()) {
    throw ApiError(409, "results_not_ready", "The job has no results (yet).",
                   {{"status", job.status}});
  }
  return (*job.result)["files"];
}

// A job for a signed download: no caller, the link is the authority.
jobs::Job signed_job(jobs::JobsService& jobs, const DownloadSigner& signer, const Request& req,
                     const std::string& object) {
  std::string id = req.param("id");
  signer.verify(id, object, req.query("expires").value_or(""), req.query("signature").value_or(""),
                now_ms() / 1000);
  auto job = jobs.store().find(id);
  if (!job) throw not_found("results");
  return *job;
}

std::string read_blob(storage::BlobStore& blobs, const nlohmann::json& file) {
  std::ostringstream out;
  if (!blobs.get(file.value("sha256", ""), out)) {
    throw ApiError(410, "result_file_gone", "This result file is no longer stored.");
  }
  return std::move(out).str();
}

// The last path segment: generated paths are a safe alphabet (ai/generate.h), so it is safe in
// a Content-Disposition header.
std::string base_name(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

}  // namespace

void register_generate_routes(http::Router& router, jobs::JobsService& jobs,
                              storage::BlobStore& blobs, const DownloadSigner& signer) {
  router.add(Method::Post, "/api/v1/generate",
             [&jobs](Request& req) {
               auto me = auth::require_principal(req);
               auto body = ji::parse_object(req.body);
               ji::reject_unknown_fields(body, {"prompt", "idempotencyKey"});
               jobs::SubmitRequest submit;
               submit.type = "generate";
               submit.input = {
                   {"prompt",
                    parse_generate_input(
                        nlohmann::json{{"prompt", body.value("prompt", nlohmann::json())}}, "")}};
               submit.idempotency_key = ji::string_field(body, "idempotencyKey", false, 1, 200);
               auto submitted = jobs.submit(me, submit);
               const std::string& id = submitted.job.id;
               return Response::json(submitted.created ? 202 : 200,
                                     {{"jobId", id},
                                      {"status", submitted.job.status},
                                      {"statusUrl", "/api/v1/jobs/" + id + "/status"},
                                      {"resultsUrl", "/api/v1/results/" + id}});
             },
             {kGenerateBodyLimit, "ai", "Generate an application from a prompt"});

  router.add(Method::Get, "/api/v1/jobs/{id}/status", [&jobs](Request& req) {
    return Response::json(200,
                          status_json(jobs.get(auth::require_principal(req), req.param("id"))));
  });

  router.add(Method::Get, "/api/v1/results/{id}", [&jobs, &signer](Request& req) {
    jobs::Job job = jobs.get(auth::require_principal(req), req.param("id"));
    const nlohmann::json& files = result_files(job);
    int64_t expires = now_ms() / 1000 + kDownloadLinkSeconds;
    std::string base = "/api/v1/results/" + job.id;
    nlohmann::json map = nlohmann::json::object();
    for (size_t i = 0; i < files.size(); ++i) {
      const auto& file = files[i];
      std::string index = std::to_string(i);
      map[file.value("path", "")] = {
          {"size", file.value("size", 0)},
          {"sha256", file.value("sha256", "")},
          {"contentType", file.value("contentType", "")},
          {"url", base + "/files/" + index + signer.query(job.id, index, expires)}};
    }
    return Response::json(200,
                          {{"jobId", job.id},
                           {"files", map},
                           {"zip", {{"url", base + "/zip" + signer.query(job.id, "zip", expires)}}},
                           {"model", job.result->value("model", "")},
                           {"expiresAt", rfc3339(expires * 1000)}});
  });

  router.add(
      Method::Get, "/api/v1/results/{id}/files/{index}", [&jobs, &blobs, &signer](Request& req) {
        std::string index_text = req.param("index");
        jobs::Job job = signed_job(jobs, signer, req, index_text);
        const nlohmann::json& files = result_files(job);
        size_t index = 0;
        auto [end, ec] =
            std::from_chars(index_text.data(), index_text.data() + index_text.size(), index);
        if (ec != std::errc() || end != index_text.data() + index_text.size() ||
            index >= files.size()) {
          throw not_found("result file");
        }
        const auto& file = files[index];
        Response response = Response::text(200, read_blob(blobs, file),
                                           file.value("contentType", "application/octet-stream"));
        // Always a download: generated HTML must not run on this origin.
        response.headers.set(
            "Content-Disposition",
            "attachment; filename=\"" + base_name(file.value("path", "file")) + "\"");
        return response;
      });

  router.add(Method::Get, "/api/v1/results/{id}/zip", [&jobs, &blobs, &signer](Request& req) {
    jobs::Job job = signed_job(jobs, signer, req, "zip");
    std::vector<std::pair<std::string, std::string>> entries;
    for (const auto& file : result_files(job)) {
      entries.emplace_back(file.value("path", ""), read_blob(blobs, file));
    }
    Response response = Response::text(200, projects::zip_entries(entries), "application/zip");
    response.headers.set("Content-Disposition", "attachment; filename=\"" + job.id + ".zip\"");
    return response;
  });
}

}  // namespace od::ai
