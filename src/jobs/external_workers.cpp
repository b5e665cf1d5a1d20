#include "jobs/external_workers.h"

#include <algorithm>
#include <chrono>
#include <random>

#include "core/crypto.h"
#include "core/error.h"
#include "core/ids.h"
#include "core/json_input.h"
#include "core/time.h"
#include "jobs/signature.h"

namespace od::jobs {
namespace {

constexpr char kTokenPrefix[] = "odw_";
constexpr int64_t kCallbackToleranceSeconds = 300;
constexpr int kMaxListed = 200;
// A worker's last_seen_at is written at most this often: heartbeats stay one write each.
constexpr int64_t kTouchIntervalMs = 10'000;

ApiError lease_lost() {
  return ApiError(409, "lease_lost",
                  "This worker no longer holds the job's lease (it expired or the job ended).");
}

ApiError invalid_worker_token() {
  return ApiError(401, "invalid_worker_token", "The worker token is unknown, wrong or revoked.");
}

void require_admin(const auth::Principal& caller) {
  if (!caller.is_admin()) throw forbidden("Only admins manage external workers.");
}

double draw_jitter() {
  thread_local std::mt19937_64 engine{std::random_device{}()};
  return std::uniform_real_distribution<double>(0.8, 1.2)(engine);
}

}  // namespace

nlohmann::json to_json(const ExternalWorker& w) {
  auto time = [](int64_t ms) { return ms > 0 ? nlohmann::json(rfc3339(ms)) : nullptr; };
  return {{"id", w.id},
          {"name", w.name},
          {"types", w.types},
          {"createdAt", time(w.created_at)},
          {"lastSeenAt", time(w.last_seen_at)},
          {"revokedAt", time(w.revoked_at)}};
}

ExternalWorkers::ExternalWorkers(ExternalWorkerStore& store, JobsService& jobs,
                                 std::string token_key, ExternalWorkerOptions options)
    : store_(store),
      jobs_(jobs),
      token_key_(crypto::hmac_sha256(token_key, "od-external-worker-tokens")),
      options_(options),
      parked_(
          [this](const std::string& owner, const std::vector<std::string>& types, int max,
                 int64_t lease_ms) {
            auto jobs = jobs_.store().claim(owner, types, max, now_ms(), lease_ms);
            for (const auto& job : jobs) jobs_.announce(job);
            return jobs;
          },
          options.max_parked_polls) {}

std::string ExternalWorkers::derive_token(const ExternalWorker& worker) const {
  return kTokenPrefix + worker.id + "." +
         crypto::base64url_encode(
             crypto::hmac_sha256(token_key_, worker.id + ":" + worker.token_salt));
}

RegisteredWorker ExternalWorkers::register_worker(const auth::Principal& caller,
                                                  const std::string& name,
                                                  const std::vector<std::string>& types) {
  require_admin(caller);
  ExternalWorker worker;
  worker.id = new_id();
  worker.name = name;
  worker.types = types;
  std::sort(worker.types.begin(), worker.types.end());
  worker.types.erase(std::unique(worker.types.begin(), worker.types.end()), worker.types.end());
  worker.token_salt = crypto::random_token(24);
  worker.created_by = caller.user_id;
  worker.created_at = now_ms();
  std::string token = derive_token(worker);
  worker.token_hash = crypto::sha256_hex(token);
  store_.insert(worker);
  return {worker, token};
}

std::vector<ExternalWorker> ExternalWorkers::list(const auth::Principal& caller) {
  require_admin(caller);
  return store_.list(kMaxListed);
}

void ExternalWorkers::revoke(const auth::Principal& caller, const std::string& id) {
  require_admin(caller);
  if (!is_valid_id(id)) throw not_found("worker");
  auto worker = store_.find(id);
  if (!worker) throw not_found("worker");
  store_.revoke(id, now_ms());
}

ExternalWorker ExternalWorkers::authenticate(const std::string& token) {
  if (token.size() > 200 || token.rfind(kTokenPrefix, 0) != 0) throw invalid_worker_token();
  size_t dot = token.find('.');
  if (dot == std::string::npos) throw invalid_worker_token();
  std::string id = token.substr(sizeof(kTokenPrefix) - 1, dot - (sizeof(kTokenPrefix) - 1));
  if (!is_valid_id(id)) throw invalid_worker_token();
  auto worker = store_.find(id);
  if (!worker || worker->revoked_at > 0 ||
      !crypto::constant_time_equal(crypto::sha256_hex(token), worker->token_hash)) {
    throw invalid_worker_token();
  }
  seen(*worker);
  return *worker;
}

void ExternalWorkers::seen(const ExternalWorker& worker) {
  int64_t now = now_ms();
  if (now - worker.last_seen_at >= kTouchIntervalMs) store_.touch(worker.id, now);
}

std::optional<std::vector<Job>> ExternalWorkers::lease(const ExternalWorker& worker,
                                                       const LeaseRequest& request,
                                                       ParkedPolls::Done done) {
  std::vector<std::string> types = request.types.empty() ? worker.types : request.types;
  for (const auto& type : types) {
    if (std::find(worker.types.begin(), worker.types.end(), type) == worker.types.end()) {
      throw ApiError(403, "type_not_served",
                     "This worker is not registered for job type '" + type + "'.",
                     {{"field", "/types"}});
    }
  }
  // Sorted and unique: parked polls with the same list share a look at an empty queue.
  std::sort(types.begin(), types.end());
  types.erase(std::unique(types.begin(), types.end()), types.end());
  int64_t lease_ms = request.lease_ms > 0 ? request.lease_ms : options_.lease_ms;
  auto jobs = jobs_.store().claim(lease_owner(worker), types, request.max, now_ms(), lease_ms);
  for (const auto& job : jobs) jobs_.announce(job);
  if (!jobs.empty() || request.wait_ms <= 0) return jobs;
  ParkedPolls::Poll poll{lease_owner(worker),
                         std::move(types),
                         request.max,
                         lease_ms,
                         ParkedPolls::Clock::now() + std::chrono::milliseconds(request.wait_ms),
                         std::move(done)};
  switch (parked_.park(std::move(poll))) {
    case ParkedPolls::Parked::Yes:
      return std::nullopt;
    case ParkedPolls::Parked::Full:
      throw ApiError(503, "too_many_polls",
                     "Too many workers are waiting for jobs on this server; retry shortly.")
          .with_retry_after(1);
    case ParkedPolls::Parked::Stopped:
      break;
  }
  return std::vector<Job>{};  // shutting down: answer now, the worker polls another node
}

Job ExternalWorkers::leased_job(const ExternalWorker& worker, const std::string& job_id) {
  if (!is_valid_id(job_id)) throw not_found("job");
  auto job = jobs_.store().find(job_id);
  if (!job ||
      std::find(worker.types.begin(), worker.types.end(), job->type) == worker.types.end()) {
    throw not_found("job");
  }
  return *job;
}

LeaseStatus ExternalWorkers::heartbeat(const ExternalWorker& worker, const std::string& job_id,
                                       int64_t lease_ms) {
  Job job = leased_job(worker, job_id);
  int64_t now = now_ms();
  int64_t lease = lease_ms > 0 ? lease_ms : options_.lease_ms;
  LeaseState state = jobs_.store().heartbeat(job_id, lease_owner(worker), now, lease);
  if (!state.held) {
    auto current = jobs_.store().find(job_id);
    if (current && current->status == kCanceled) return {job_id, kCanceled, true, 0};
    throw lease_lost();
  }
  if (state.cancel_requested) {
    // The worker learns of the cancel now and stops; the job ends canceled at once.
    if (jobs_.store().finish_canceled(job_id, lease_owner(worker), now)) {
      if (auto after = jobs_.store().find(job_id)) jobs_.announce(*after);
    }
    return {job_id, kCanceled, true, 0};
  }
  return {job_id, kRunning, false, now + lease};
}

LeaseStatus ExternalWorkers::progress(const ExternalWorker& worker, const std::string& job_id,
                                      int percent, const std::string& message) {
  leased_job(worker, job_id);
  int64_t now = now_ms();
  LeaseState state =
      jobs_.store().progress(job_id, lease_owner(worker), percent, message, now, options_.lease_ms);
  if (!state.held) {
    auto current = jobs_.store().find(job_id);
    if (current && current->status == kCanceled) return {job_id, kCanceled, true, 0};
    throw lease_lost();
  }
  if (auto after = jobs_.store().find(job_id)) jobs_.announce(*after);
  if (state.cancel_requested) return heartbeat(worker, job_id);
  return {job_id, kRunning, false, now + options_.lease_ms};
}

Job ExternalWorkers::apply_result(const ExternalWorker& worker, const Job& job,
                                  const std::string& status, const nlohmann::json& result,
                                  const std::string& code, const std::string& message,
                                  bool retryable) {
  if (status == kDone && result.dump().size() > options_.max_result_bytes) {
    throw payload_too_large("The result is larger than " +
                            std::to_string(options_.max_result_bytes) + " bytes.");
  }
  int64_t now = now_ms();
  std::string owner = lease_owner(worker);
  std::optional<Job> after;
  if (status == kDone) {
    if (jobs_.store().complete(job.id, owner, result, now)) after = jobs_.store().find(job.id);
  } else {
    after = jobs_.store().fail(job.id, owner, code, message, retryable, now, draw_jitter());
  }
  if (!after) throw lease_lost();
  jobs_.announce(*after);
  if (after->status == kQueued) wake();
  return *after;
}

Job ExternalWorkers::complete(const ExternalWorker& worker, const std::string& job_id,
                              const nlohmann::json& result) {
  return apply_result(worker, leased_job(worker, job_id), kDone, result, "", "", false);
}

Job ExternalWorkers::fail(const ExternalWorker& worker, const std::string& job_id,
                          const std::string& code, const std::string& message, bool retryable) {
  return apply_result(worker, leased_job(worker, job_id), kFailed, nullptr, code, message,
                      retryable);
}

CallbackResult ExternalWorkers::callback(const std::string& worker_id, const std::string& signature,
                                         const std::string& body) {
  if (!is_valid_id(worker_id)) throw invalid_worker_token();
  auto worker = store_.find(worker_id);
  if (!worker || worker->revoked_at > 0) throw invalid_worker_token();
  switch (verify_signature(derive_token(*worker), signature, body, now_ms() / 1000,
                           kCallbackToleranceSeconds)) {
    case SignatureCheck::Valid:
      break;
    case SignatureCheck::Stale:
      throw ApiError(401, "stale_signature",
                     "The signature's timestamp is more than 5 minutes from the server's clock.");
    case SignatureCheck::Malformed:
    case SignatureCheck::Mismatch:
      throw ApiError(401, "invalid_signature", "The callback signature does not match the body.");
  }
  seen(*worker);
  namespace ji = json_input;
  auto in = ji::parse_object(body);
  ji::reject_unknown_fields(in, {"jobId", "status", "result", "error"});
  std::string job_id = *ji::string_field(in, "jobId", true, 1, 64);
  std::string status = *ji::string_field(in, "status", true, 1, 16);
  if (status != kDone && status != kFailed) {
    throw validation_error("status must be done or failed", {{"field", "/status"}});
  }
  nlohmann::json result = in.contains("result") ? in["result"] : nlohmann::json(nullptr);
  std::string code = "worker_failed", message = "The worker reported a failure.";
  bool retryable = false;
  if (in.contains("error") && !in["error"].is_null()) {
    if (!in["error"].is_object()) {
      throw validation_error("error must be an object", {{"field", "/error"}});
    }
    const auto& error = in["error"];
    ji::reject_unknown_fields(error, {"code", "message", "retryable"});
    code = ji::string_field(error, "code", false, 1, 64).value_or(code);
    message = ji::string_field(error, "message", false, 0, 1000).value_or(message);
    retryable = ji::bool_field(error, "retryable", false).value_or(false);
  }
  Job job = leased_job(*worker, job_id);
  if (is_final_status(job.status)) {
    if (job.status == status) return {job, true};
    throw conflict("job_final", "The job already ended as " + job.status + ".");
  }
  return {apply_result(*worker, job, status, result, code, message, retryable), false};
}

std::vector<std::string> ExternalWorkers::served_types() {
  return store_.types_seen_since(now_ms() - options_.seen_window_ms);
}

void ExternalWorkers::wake() { parked_.wake(); }

void ExternalWorkers::start() { parked_.start(); }

void ExternalWorkers::stop() { parked_.stop(); }

size_t ExternalWorkers::parked_polls() { return parked_.size(); }

}  // namespace od::jobs
