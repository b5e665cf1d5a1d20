#include "ai/provider_job.h"

#include <chrono>

#include "core/ids.h"
#include "core/log.h"
#include "core/metrics.h"
#include "core/time.h"

namespace od::ai {
namespace {

constexpr int64_t kProgressEveryMs = 250;  // progress is a DB write and an event: not per token

int64_t steady_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

ApiError job_error(const ProviderError& e) {
  using Kind = ProviderErrorKind;
  std::string message = e.what();
  switch (e.kind()) {
    case Kind::CircuitOpen:
      return ApiError(503, "ai_provider_circuit_open", message);
    case Kind::RateLimited:
      return ApiError(503, "ai_provider_rate_limited", message);
    case Kind::Server:
      return ApiError(502, "ai_provider_error", message);
    case Kind::Network:
      return ApiError(503, "ai_provider_unreachable", message);
    case Kind::Timeout:
      return ApiError(504, "ai_provider_timeout", message);
    case Kind::Malformed:
      return ApiError(502, "ai_provider_bad_response", message);
    case Kind::Truncated:
      return ApiError(502, "ai_provider_stream_truncated", message);
    case Kind::TooLarge:
      return ApiError(502, "ai_provider_response_too_large", message);
    case Kind::Rejected:
      return ApiError(422, "ai_provider_rejected", message);
    case Kind::Cancelled:
      return ApiError(409, "canceled", message);
    case Kind::Interrupted:
      return ApiError(503, "ai_provider_interrupted", message);
  }
  return ApiError(502, "ai_provider_error", message);
}

nlohmann::json usage_json(const ChatResult& result, int64_t wall_ms) {
  return {{"promptTokens", result.usage.prompt_tokens},
          {"completionTokens", result.usage.completion_tokens},
          {"reported", result.usage_reported},
          {"requests", result.requests},
          {"wallMs", wall_ms}};
}

ProviderJob::ProviderJob(Provider* provider, UsageStore& usage, jobs::JobStore& jobs)
    : provider_(provider), usage_(usage), jobs_(jobs) {}

std::optional<jobs::JobHandler::Unavailability> ProviderJob::unavailable() const {
  if (provider_) return std::nullopt;
  return jobs::JobHandler::Unavailability{
      "ai_provider_unavailable", "No AI provider is configured on this server (--ai-base-url)."};
}

std::optional<jobs::JobHandler::Pause> ProviderJob::paused() const {
  int64_t ms = provider_ ? provider_->paused_for_ms() : 0;
  if (ms <= 0) return std::nullopt;
  return jobs::JobHandler::Pause{"ai_provider_circuit_open",
                                 "The AI provider failed repeatedly; calls to it are paused, and "
                                 "jobs that need it fail at once until the pause ends.",
                                 ms};
}

nlohmann::json ProviderJob::run(jobs::JobContext& context, const std::string& type,
                                const ChatRequest& request, size_t expected_chars,
                                const std::function<nlohmann::json(const ChatResult&)>& finish) {
  if (auto why = unavailable()) throw ApiError(422, why->code, why->reason);
  auto job = jobs_.find(context.job_id());
  if (!job) throw ApiError(404, "not_found", "The job no longer exists.");

  UsageRecord usage;
  usage.id = new_id();
  usage.user_id = job->owner_id;
  usage.job_id = job->id;
  usage.job_type = type;
  usage.model = provider_->model();
  usage.attempt = std::max(1, job->attempts);
  int64_t started = steady_ms();
  auto record = [&](const std::string& outcome, const std::string& error_code) {
    usage.outcome = outcome;
    usage.error_code = error_code;
    usage.wall_ms = steady_ms() - started;
    usage.created_at = now_ms();
    metrics::counter_add("ai_job_attempts_total", {{"type", type}, {"outcome", outcome}});
    metrics::counter_add("ai_tokens_total", {{"type", type}, {"direction", "in"}},
                         static_cast<double>(usage.prompt_tokens));
    metrics::counter_add("ai_tokens_total", {{"type", type}, {"direction", "out"}},
                         static_cast<double>(usage.completion_tokens));
    metrics::histogram_observe("ai_job_attempt_seconds", {{"type", type}},
                               static_cast<double>(usage.wall_ms) / 1000.0);
    try {
      usage_.record(usage);
    } catch (const std::exception& e) {
      // Accounting must not turn a finished attempt into a failed one (and a paid call into a
      // repeated one); the gap is logged instead.
      log::error("AI usage could not be recorded", {{"jobId", usage.job_id}, {"error", e.what()}});
    }
  };

  int64_t last_progress = 0;
  size_t received = 0;
  int pieces = 0;
  expected_chars = std::max<size_t>(expected_chars, 200);
  context.progress(1, "waiting for the AI provider");
  StreamCallbacks callbacks;
  callbacks.on_delta = [&](std::string_view delta) {
    received += delta.size();
    ++pieces;
    int64_t now = steady_ms();
    if (pieces > 1 && now - last_progress < kProgressEveryMs) return;
    last_progress = now;
    // 5..95 %: the answer's share of its likely length; the rest is for finishing.
    int percent = 5 + static_cast<int>(std::min<size_t>(90, received * 90 / expected_chars));
    context.progress(percent, "generating: " + std::to_string(received) + " characters received");
  };
  callbacks.keep_going = [&] { return !context.cancelled(); };

  try {
    ChatResult result = provider_->stream(request, callbacks);
    usage.requests = result.requests;
    usage.model = result.model;
    usage.prompt_tokens = result.usage.prompt_tokens;
    usage.completion_tokens = result.usage.completion_tokens;
    nlohmann::json out = finish(result);
    out["usage"] = usage_json(result, steady_ms() - started);
    record(kSucceeded, "");
    return out;
  } catch (const ProviderError& e) {
    if (usage.requests == 0) usage.requests = e.requests();
    if (e.kind() == ProviderErrorKind::Cancelled) {
      record(kCanceledOutcome, "");
      return nlohmann::json::object();  // discarded: the job ends canceled
    }
    ApiError error = job_error(e);
    record(kFailedOutcome, error.code());
    throw error;
  } catch (const ApiError& e) {
    record(kFailedOutcome, e.code());
    throw;
  } catch (const std::exception& e) {
    // Our own side failed (e.g. recording progress): still an attempt that may have cost tokens.
    record(kFailedOutcome, "job_failed");
    throw;
  }
}

}  // namespace od::ai
