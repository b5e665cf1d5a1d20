#include "jobs/external_api.h"

#include "auth/request_auth.h"
#include "core/error.h"
#include "core/json_input.h"
#include "core/time.h"
#include "jobs/signature.h"

namespace od::jobs {
namespace {

using auth::require_principal;
using http::Method;
using http::Request;
using http::Response;
namespace ji = json_input;

constexpr size_t kMaxTypeLength = 64;
constexpr size_t kMaxTypesPerWorker = 32;
constexpr int kMaxLeaseBatch = 20;
constexpr int kMaxWaitSeconds = 30;
constexpr int kMaxLeaseSeconds = 3600;
// A result is bounded by ExternalWorkerOptions::max_result_bytes (256 KiB); this leaves room
// for the envelope and escaping.
constexpr size_t kResultBodyLimit = 320 * 1024;
constexpr size_t kSmallBodyLimit = 8 * 1024;

bool valid_type_name(const std::string& type) {
  for (char c : type) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
    if (!ok) return false;
  }
  return !type.empty() && type.size() <= kMaxTypeLength;
}

std::vector<std::string> type_list(const nlohmann::json& body, bool required) {
  auto types = ji::string_array_field(body, "types", kMaxTypesPerWorker, kMaxTypeLength);
  if (!types) {
    if (required) throw validation_error("types is required", {{"field", "/types"}});
    return {};
  }
  if (required && types->empty()) {
    throw validation_error("types must name at least one job type", {{"field", "/types"}});
  }
  for (const auto& type : *types) {
    if (!valid_type_name(type)) {
      throw validation_error("job types may only hold a-z, 0-9, '_', '-' and '.'",
                             {{"field", "/types"}});
    }
  }
  return *types;
}

// The body of a request that may be empty ({} then).
nlohmann::json optional_object(const std::string& text) {
  return text.empty() ? nlohmann::json::object() : ji::parse_object(text);
}

ExternalWorker worker_of(const Request& req, ExternalWorkers& workers) {
  auto header = req.header("Authorization");
  constexpr std::string_view kScheme = "Bearer ";
  if (!header || header->size() <= kScheme.size() ||
      !std::equal(kScheme.begin(), kScheme.end(), header->begin(),
                  [](char a, char b) { return std::tolower(a) == std::tolower(b); })) {
    throw ApiError(401, "unauthorized", "A worker token is required (Authorization: Bearer).");
  }
  return workers.authenticate(header->substr(kScheme.size()));
}

nlohmann::json lease_json(const LeaseStatus& s) {
  return {{"jobId", s.job_id},
          {"status", s.status},
          {"cancelRequested", s.cancel_requested},
          {"leaseExpiresAt",
           s.lease_expires_at > 0 ? nlohmann::json(rfc3339(s.lease_expires_at)) : nullptr}};
}

nlohmann::json leased_json(const std::vector<Job>& jobs) {
  nlohmann::json items = nlohmann::json::array();
  for (const auto& job : jobs) {
    items.push_back({{"jobId", job.id},
                     {"type", job.type},
                     {"input", job.input},
                     {"attempt", job.attempts},
                     {"maxAttempts", job.max_attempts},
                     {"leaseExpiresAt", rfc3339(job.lease_expires_at)}});
  }
  return {{"jobs", items}};
}

nlohmann::json delivery_json(const Delivery& d) {
  auto time = [](int64_t ms) { return ms > 0 ? nlohmann::json(rfc3339(ms)) : nullptr; };
  nlohmann::json attempts = nlohmann::json::array();
  for (const auto& a : d.log) {
    attempts.push_back(
        {{"attempt", a.attempt},
         {"at", time(a.at)},
         {"statusCode", a.status_code ? nlohmann::json(*a.status_code) : nullptr},
         {"error", a.error.empty() ? nlohmann::json(nullptr) : nlohmann::json(a.error)},
         {"durationMs", a.duration_ms}});
  }
  return {{"id", d.id},
          {"event", d.event},
          {"url", d.url},
          {"status", d.status},
          {"attemptCount", d.attempts},
          {"nextAttemptAt", d.status == "pending" ? time(d.next_attempt_at) : nullptr},
          {"createdAt", time(d.created_at)},
          {"finishedAt", time(d.finished_at)},
          {"attempts", attempts}};
}

}  // namespace

void register_webhook_routes(http::Router& router, JobsService& jobs, WebhookService& webhooks) {
  router.add(Method::Get, "/api/v1/ai/webhook-secret", [&webhooks](Request& req) {
    auto me = require_principal(req);
    return Response::json(200, {{"secret", webhooks.secret(me.user_id)}});
  });

  router.add(Method::Post, "/api/v1/ai/webhook-secret/rotate", [&webhooks](Request& req) {
    auto me = require_principal(req);
    return Response::json(200, {{"secret", webhooks.rotate_secret(me.user_id)}});
  });

  router.add(Method::Get, "/api/v1/ai/jobs/{id}/deliveries", [&jobs, &webhooks](Request& req) {
    Job job = jobs.get(require_principal(req), req.param("id"));
    nlohmann::json items = nlohmann::json::array();
    for (const auto& delivery : webhooks.deliveries(job.id))
      items.push_back(delivery_json(delivery));
    return Response::json(200, {{"items", items}});
  });
}

void register_worker_routes(http::Router& router, ExternalWorkers& workers) {
  router.add(Method::Post, "/api/v1/ai/workers",
             [&workers](Request& req) {
               auto me = require_principal(req);
               auto body = ji::parse_object(req.body);
               ji::reject_unknown_fields(body, {"name", "types"});
               std::string name = *ji::string_field(body, "name", true, 1, 100);
               auto registered = workers.register_worker(me, name, type_list(body, true));
               nlohmann::json out = to_json(registered.worker);
               out["workerId"] = registered.worker.id;
               out["token"] = registered.token;
               return Response::json(201, out);
             },
             {kSmallBodyLimit, "api", "Register an external worker"});

  router.add(Method::Get, "/api/v1/ai/workers", [&workers](Request& req) {
    nlohmann::json items = nlohmann::json::array();
    for (const auto& worker : workers.list(require_principal(req))) {
      items.push_back(to_json(worker));
    }
    return Response::json(200, {{"items", items}});
  });

  router.add(Method::Delete, "/api/v1/ai/workers/{id}", [&workers](Request& req) {
    workers.revoke(require_principal(req), req.param("id"));
    return Response::no_content();
  });

  router.add(
      Method::Post, "/api/v1/ai/workers/lease",
      [&workers](Request& req) {
        ExternalWorker worker = worker_of(req, workers);
        auto body = optional_object(req.body);
        ji::reject_unknown_fields(body, {"types", "max", "waitSeconds", "leaseSeconds"});
        LeaseRequest lease;
        lease.types = type_list(body, false);
        lease.max =
            static_cast<int>(ji::int_field(body, "max", false, 1, kMaxLeaseBatch).value_or(1));
        lease.wait_ms =
            ji::int_field(body, "waitSeconds", false, 0, kMaxWaitSeconds).value_or(0) * 1000;
        lease.lease_ms =
            ji::int_field(body, "leaseSeconds", false, 1, kMaxLeaseSeconds).value_or(0) * 1000;
        auto deferred = http::make_deferred();
        auto leased = workers.lease(worker, lease, [deferred](std::vector<Job> jobs) {
          deferred->complete(Response::json(200, leased_json(jobs)));
        });
        if (leased) return Response::json(200, leased_json(*leased));
        // Parked: this handler thread is free now; the poll keeper answers.
        Response parked;
        parked.deferred = std::move(deferred);
        return parked;
      },
      {kSmallBodyLimit, "api", "Lease queued jobs (external worker)"});

  router.add(Method::Post, "/api/v1/ai/workers/jobs/{id}/heartbeat",
             [&workers](Request& req) {
               ExternalWorker worker = worker_of(req, workers);
               auto body = optional_object(req.body);
               ji::reject_unknown_fields(body, {"leaseSeconds"});
               int64_t lease_ms =
                   ji::int_field(body, "leaseSeconds", false, 1, kMaxLeaseSeconds).value_or(0) *
                   1000;
               return Response::json(
                   200, lease_json(workers.heartbeat(worker, req.param("id"), lease_ms)));
             },
             {kSmallBodyLimit, "api", "Extend a job's lease (external worker)"});

  router.add(Method::Post, "/api/v1/ai/workers/jobs/{id}/progress",
             [&workers](Request& req) {
               ExternalWorker worker = worker_of(req, workers);
               auto body = ji::parse_object(req.body);
               ji::reject_unknown_fields(body, {"percent", "message"});
               int percent = static_cast<int>(*ji::int_field(body, "percent", true, 0, 100));
               std::string message = ji::string_field(body, "message", false, 0, 500).value_or("");
               return Response::json(
                   200, lease_json(workers.progress(worker, req.param("id"), percent, message)));
             },
             {kSmallBodyLimit, "api", "Report a job's progress (external worker)"});

  router.add(Method::Post, "/api/v1/ai/workers/jobs/{id}/complete",
             [&workers](Request& req) {
               ExternalWorker worker = worker_of(req, workers);
               auto body = ji::parse_object(req.body);
               ji::reject_unknown_fields(body, {"result"});
               if (!body.contains("result")) {
                 throw validation_error("result is required", {{"field", "/result"}});
               }
               Job job = workers.complete(worker, req.param("id"), body["result"]);
               return Response::json(200, to_json(job, false));
             },
             {kResultBodyLimit, "api", "Complete a job (external worker)"});

  router.add(Method::Post, "/api/v1/ai/workers/jobs/{id}/fail",
             [&workers](Request& req) {
               ExternalWorker worker = worker_of(req, workers);
               auto body = ji::parse_object(req.body);
               ji::reject_unknown_fields(body, {"code", "message", "retryable"});
               std::string code = *ji::string_field(body, "code", true, 1, 64);
               std::string message = ji::string_field(body, "message", false, 0, 1000).value_or("");
               bool retryable = ji::bool_field(body, "retryable", false).value_or(true);
               Job job = workers.fail(worker, req.param("id"), code, message, retryable);
               return Response::json(200, to_json(job, false));
             },
             {kSmallBodyLimit, "api", "Fail a job (external worker)"});

  router.add(Method::Post, "/api/v1/ai/callback",
             [&workers](Request& req) {
               auto worker_id = req.header("X-OpenDesign-Worker");
               auto signature = req.header(kSignatureHeader);
               if (!worker_id || !signature) {
                 throw ApiError(401, "invalid_signature",
                                "X-OpenDesign-Worker and X-OpenDesign-Signature are required.");
               }
               auto outcome = workers.callback(*worker_id, *signature, req.body);
               nlohmann::json out = to_json(outcome.job, false);
               out["duplicate"] = outcome.duplicate;
               return Response::json(200, out);
             },
             {kResultBodyLimit, "api", "Signed completion callback from an AI microservice"});
}

}  // namespace od::jobs
