#include "jobs/service.h"

#include <algorithm>

#include "core/error.h"
#include "core/ids.h"
#include "core/json_input.h"
#include "core/time.h"

namespace od::jobs {

std::string job_topic(const std::string& job_id) { return "job:" + job_id; }

nlohmann::json job_event_data(const Job& job) {
  nlohmann::json data = {{"jobId", job.id},
                         {"seq", job.event_seq},
                         {"status", job.status},
                         {"progress", job.progress},
                         {"progressMessage", job.progress_message},
                         {"attempts", job.attempts},
                         {"cancelRequested", job.cancel_requested}};
  if (!job.error_code.empty()) {
    data["error"] = {{"code", job.error_code}, {"message", job.error_message}};
  }
  if (job.status == kDone && job.result) data["result"] = *job.result;
  return data;
}

JobsService::JobsService(JobStore& store, const HandlerRegistry& handlers, JobsConfig config,
                         events::EventBus* bus, ProjectCheck project_check)
    : store_(store),
      handlers_(handlers),
      config_(config),
      bus_(bus),
      project_check_(std::move(project_check)) {}

void JobsService::set_submit_listener(std::function<void()> listener) {
  submit_listener_ = std::move(listener);
}

void JobsService::set_external_types(std::function<std::vector<std::string>()> types) {
  external_types_ = std::move(types);
}

std::vector<std::string> JobsService::external_types() const {
  return external_types_ ? external_types_() : std::vector<std::string>{};
}

bool JobsService::serves_externally(const std::string& type) const {
  auto types = external_types();
  return std::find(types.begin(), types.end(), type) != types.end();
}

void JobsService::set_webhook_listener(std::function<void()> listener) {
  webhook_listener_ = std::move(listener);
}

Submitted JobsService::submit(const auth::Principal& caller, const SubmitRequest& request) {
  const JobHandler* handler = handlers_.find(request.type);  // null: an external worker's type
  if ((!handler && !serves_externally(request.type)) || (handler && handler->internal())) {
    throw ApiError(422, "unknown_job_type",
                   "This server cannot run jobs of type '" + request.type + "'.",
                   {{"field", "/type"}});
  }
  if (handler) {
    if (auto why = handler->unavailable()) throw ApiError(422, why->code, why->reason);
  }
  std::string input_text = request.input.dump();
  if (input_text.size() > config_.max_input_bytes) {
    throw payload_too_large("The job input is larger than " +
                            std::to_string(config_.max_input_bytes) + " bytes.");
  }
  // The body was parsed to kMaxInputDepth; each type's own bound applies here.
  const int max_depth =
      handler ? std::min(handler->max_input_depth(), kMaxInputDepth) : kDefaultInputDepth;
  if (json_input::depth(request.input) > max_depth) {
    throw validation_error(
        "JSON nesting of 'input' is deeper than " + std::to_string(max_depth) + ".",
        {{"field", "/input"}, {"maxDepth", max_depth}});
  }
  if (handler) handler->validate_submission(caller, request.input, request.project_id);
  if (request.project_id) {
    if (!is_valid_id(*request.project_id)) throw not_found("project");
    if (project_check_) project_check_(caller, *request.project_id);
  }
  // Jobs on different projects are different work even with equal inputs (a design2code job
  // reads its project's design), so the project is part of what dedupe compares.
  nlohmann::json hashed = request.input;
  if (request.project_id) hashed = {{"input", request.input}, {"projectId", *request.project_id}};
  std::string hash = input_hash(request.type, hashed);
  if (request.idempotency_key) {
    if (auto earlier = store_.find_by_key(caller.user_id, *request.idempotency_key)) {
      if (earlier->input_hash != hash) {
        throw ApiError(409, "idempotency_key_reused",
                       "This idempotency key was used for a different job.");
      }
      return {*earlier, false};
    }
  }
  int64_t now = now_ms();
  // A caller that asked for a webhook is waiting for one: it gets its own job, not an earlier one.
  if (request.dedupe && !request.webhook_url) {
    if (auto earlier =
            store_.find_done_by_hash(caller.user_id, hash, now - config_.dedupe_window_ms)) {
      return {*earlier, false};
    }
  }
  Job job;
  job.id = new_id();
  job.type = request.type;
  job.owner_id = caller.user_id;
  job.project_id = request.project_id;
  job.input = request.input;
  job.input_hash = hash;
  job.idempotency_key = request.idempotency_key;
  job.priority = request.priority;
  job.max_attempts = request.max_attempts;
  job.run_after = now;
  job.created_at = now;
  job.webhook_url = request.webhook_url;
  auto outcome = store_.insert_within_limit(job, config_.max_in_flight_per_user);
  if (outcome == JobStore::LimitedInsert::kOverLimit) {
    throw ApiError(429, "too_many_jobs",
                   "You have " + std::to_string(config_.max_in_flight_per_user) +
                       " jobs queued or running; wait for some to finish.")
        .with_retry_after(5);
  }
  if (outcome == JobStore::LimitedInsert::kKeyTaken) {
    // A concurrent submit with the same key won the race: answer with its job.
    auto earlier = store_.find_by_key(caller.user_id, *request.idempotency_key);
    if (!earlier) throw unavailable("The job could not be stored; retry.");
    if (earlier->input_hash != hash) {
      throw ApiError(409, "idempotency_key_reused",
                     "This idempotency key was used for a different job.");
    }
    return {*earlier, false};
  }
  announce(job);
  if (submit_listener_) submit_listener_();
  return {job, true};
}

Job JobsService::enqueue(const std::string& owner_id, const std::string& type, nlohmann::json input,
                         int max_attempts) {
  Job job;
  job.id = new_id();
  job.type = type;
  job.owner_id = owner_id;
  job.input_hash = input_hash(type, input);
  job.input = std::move(input);
  job.max_attempts = max_attempts;
  job.created_at = job.run_after = now_ms();
  store_.insert(job);  // no idempotency key: always inserted
  announce(job);
  if (submit_listener_) submit_listener_();
  return job;
}

Job JobsService::get(const auth::Principal& caller, const std::string& id) {
  if (!is_valid_id(id)) throw not_found("job");
  auto job = store_.find(id);
  if (!job || (job->owner_id != caller.user_id && !caller.is_admin())) throw not_found("job");
  return *job;
}

std::vector<Job> JobsService::list(const auth::Principal& caller, ListFilter filter) {
  filter.owner_id = caller.user_id;
  return store_.list(filter);
}

Job JobsService::cancel(const auth::Principal& caller, const std::string& id) {
  Job before = get(caller, id);
  if (is_final_status(before.status)) return before;
  auto after = store_.cancel(id, now_ms());
  if (!after) throw not_found("job");
  if (after->event_seq != before.event_seq) announce(*after);
  return *after;
}

void JobsService::announce(const Job& job) {
  if (webhook_listener_ && job.webhook_url && is_final_status(job.status)) webhook_listener_();
  if (!bus_) return;
  events::Event event;
  event.topic = job_topic(job.id);
  event.type = "job." + job.status;
  event.data = job_event_data(job);
  bus_->publish(std::move(event));
}

}  // namespace od::jobs
