#include "jobs/api.h"

#include <charconv>

#include "auth/request_auth.h"
#include "core/error.h"
#include "core/json_input.h"
#include "core/pagination.h"
#include "core/time.h"
#include "jobs/address_guard.h"
#include "jobs/job_stream.h"

namespace od::jobs {
namespace {

using auth::require_principal;
using http::Method;
using http::Request;
using http::Response;
namespace ji = json_input;

// The input itself is bounded by JobsConfig::max_input_bytes (256 KiB); this leaves room for the
// envelope and JSON escaping.
constexpr size_t kSubmitBodyLimit = 320 * 1024;
constexpr size_t kMaxTypeLength = 64;
constexpr size_t kMaxStreamChunks = 256;
constexpr size_t kMaxWebhookUrlLength = 2048;

bool valid_type_name(const std::string& type) {
  for (char c : type) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
    if (!ok) return false;
  }
  return !type.empty() && type.size() <= kMaxTypeLength;
}

SubmitRequest parse_submit(const std::string& text) {
  // The envelope adds one level to the input; JobsService::submit applies each type's bound.
  auto body = ji::parse_object(text, kMaxInputDepth + 1);
  ji::reject_unknown_fields(body, {"type", "input", "projectId", "idempotencyKey", "priority",
                                   "maxAttempts", "dedupe", "webhookUrl"});
  SubmitRequest in;
  in.type = *ji::string_field(body, "type", true, 1, kMaxTypeLength);
  if (!valid_type_name(in.type)) {
    throw validation_error("type may only hold a-z, 0-9, '_', '-' and '.'", {{"field", "/type"}});
  }
  if (body.contains("input") && !body["input"].is_null()) {
    if (!body["input"].is_object()) {
      throw validation_error("Field 'input' must be an object.", {{"field", "/input"}});
    }
    in.input = body["input"];
  }
  in.project_id = ji::string_field(body, "projectId", false, 1, 64);
  in.idempotency_key = ji::string_field(body, "idempotencyKey", false, 1, 200);
  in.priority = static_cast<int>(ji::int_field(body, "priority", false, -10, 10).value_or(0));
  in.max_attempts = static_cast<int>(ji::int_field(body, "maxAttempts", false, 1, 10).value_or(3));
  in.dedupe = ji::bool_field(body, "dedupe", false).value_or(true);
  in.webhook_url = ji::string_field(body, "webhookUrl", false, 1, kMaxWebhookUrlLength);
  UrlTarget target;
  if (in.webhook_url && !parse_url_target(*in.webhook_url, target)) {
    throw validation_error("webhookUrl must be an absolute http or https URL without user info.",
                           {{"field", "/webhookUrl"}});
  }
  return in;
}

int64_t last_event_id(const Request& req) {
  auto text = req.header("Last-Event-ID");
  if (!text || text->empty()) return 0;
  int64_t id = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), id);
  if (ec != std::errc() || end != text->data() + text->size() || id < 0) {
    throw validation_error("Last-Event-ID must be an event id from this stream.",
                           {{"field", "Last-Event-ID"}});
  }
  return id;
}

}  // namespace

void register_routes(http::Router& router, JobsService& service, events::EventBus& bus,
                     const auth::AuthService& accounts) {
  router.add(Method::Post, "/api/v1/ai/jobs",
             [&service](Request& req) {
               auto me = require_principal(req);
               auto submitted = service.submit(me, parse_submit(req.body));
               nlohmann::json body = to_json(submitted.job);
               body["jobId"] = submitted.job.id;
               return Response::json(submitted.created ? 202 : 200, body);
             },
             {kSubmitBodyLimit, "ai", "Submit a job"});

  router.add(Method::Get, "/api/v1/ai/jobs", [&service](Request& req) {
    auto me = require_principal(req);
    PageRequest page = parse_page(req.query("limit"), req.query("cursor"));
    ListFilter filter;
    filter.status = req.query("status").value_or("");
    filter.type = req.query("type").value_or("");
    if (!filter.status.empty() && !is_valid_status(filter.status)) {
      throw validation_error("status must be queued, running, done, failed or canceled",
                             {{"field", "status"}});
    }
    if (filter.type.size() > kMaxTypeLength) {
      throw validation_error("type is too long", {{"field", "type"}});
    }
    filter.before_id = page.after;
    filter.limit = page.limit;
    auto found = service.list(me, filter);
    nlohmann::json items = nlohmann::json::array();
    for (const auto& job : found) items.push_back(to_json(job, false));
    return Response::json(200, page_json(items, found.empty() ? "" : found.back().id, page.limit));
  });

  router.add(Method::Get, "/api/v1/ai/jobs/{id}", [&service](Request& req) {
    return Response::json(200, to_json(service.get(require_principal(req), req.param("id"))));
  });

  router.add(Method::Delete, "/api/v1/ai/jobs/{id}", [&service](Request& req) {
    return Response::json(202, to_json(service.cancel(require_principal(req), req.param("id"))));
  });

  router.add(Method::Get, "/api/v1/ai/jobs/{id}/events", [&service, &bus, &accounts](Request& req) {
    auto me = auth::require_principal_or_query_token(req, accounts, "access_token");
    int64_t after = last_event_id(req);
    Job job = service.get(me, req.param("id"));
    Response response;
    response.stream = http::make_stream(kMaxStreamChunks);
    response.headers.set("X-Accel-Buffering", "no");
    attach_job_stream(bus, service, response.stream, job.id, after);
    return response;
  });

  router.add(Method::Get, "/api/v1/ai/capabilities", [&service](Request& req) {
    require_principal(req);
    nlohmann::json types = nlohmann::json::array();
    for (const auto& type : service.handlers().types()) {
      const JobHandler* handler = service.handlers().find(type);
      if (handler->internal()) continue;  // not for clients to submit
      nlohmann::json entry = {{"type", type}, {"available", true}};
      if (auto why = handler->unavailable()) {
        entry["available"] = false;
        entry["reason"] = {{"code", why->code}, {"message", why->reason}};
      } else if (auto pause = handler->paused()) {
        entry["available"] = false;
        entry["reason"] = {{"code", pause->code},
                           {"message", pause->reason},
                           {"retryAfterSeconds", (pause->retry_in_ms + 999) / 1000},
                           {"retryAt", rfc3339(now_ms() + pause->retry_in_ms)}};
      }
      types.push_back(std::move(entry));
    }
    // Types served over HTTP by recently seen external workers (jobs/external_workers.h).
    for (const auto& type : service.external_types()) {
      if (service.handlers().find(type)) continue;
      types.push_back({{"type", type}, {"available", true}, {"runner", "external"}});
    }
    return Response::json(200, {{"jobTypes", types}});
  });
}

}  // namespace od::jobs
