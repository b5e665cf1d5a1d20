#include "ai/refine_handler.h"

#include <chrono>

#include "ai/provider_error.h"
#include "ai/refine.h"
#include "core/error.h"
#include "core/ids.h"
#include "core/log.h"
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
  }
  return ApiError(502, "ai_provider_error", message);
}

RefineHandler::RefineHandler(Provider* provider, UsageStore& usage, jobs::JobStore& jobs)
    : provider_(provider), usage_(usage), jobs_(jobs) {}

std::optional<jobs::JobHandler::Unavailability> RefineHandler::unavailable() const {
  if (provider_) return std::nullopt;
  return Unavailability{"ai_provider_unavailable",
                        "No AI provider is configured on this server (--ai-base-url)."};
}

void RefineHandler::validate(const nlohmann::json& input) const { parse_refine_input(input); }

nlohmann::json RefineHandler::run(jobs::JobContext& context) {
  if (auto why = unavailable()) throw ApiError(422, why->code, why->reason);
  RefineInput input = parse_refine_input(context.input());
  auto job = jobs_.find(context.job_id());
  if (!job) throw ApiError(404, "not_found", "The job no longer exists.");

  UsageRecord usage;
  usage.id = new_id();
  usage.user_id = job->owner_id;
  usage.job_id = job->id;
  usage.job_type = type();
  usage.model = provider_->model();
  usage.attempt = std::max(1, job->attempts);
  auto record = [&](const std::string& outcome, const std::string& error_code) {
    usage.outcome = outcome;
    usage.error_code = error_code;
    usage.created_at = now_ms();
    try {
      usage_.record(usage);
    } catch (const std::exception& e) {
      // Accounting must not turn a finished attempt into a failed one (and a paid call into a
      // repeated one); the gap is logged instead.
      log::error("AI usage could not be recorded", {{"jobId", usage.job_id}, {"error", e.what()}});
    }
  };

  int64_t started = steady_ms();
  int64_t last_progress = 0;
  size_t received = 0;
  int pieces = 0;
  // Refined code is about as long as the code it refines: progress is that share, 5..95 %.
  size_t expected = std::max<size_t>(input.code.size(), 200);
  context.progress(1, "waiting for the AI provider");
  StreamCallbacks callbacks;
  callbacks.on_delta = [&](std::string_view delta) {
    received += delta.size();
    ++pieces;
    int64_t now = steady_ms();
    if (pieces > 1 && now - last_progress < kProgressEveryMs) return;
    last_progress = now;
    int percent = 5 + static_cast<int>(std::min<size_t>(90, received * 90 / expected));
    context.progress(percent, "generating: " + std::to_string(received) + " characters received");
  };
  callbacks.keep_going = [&] { return !context.cancelled(); };

  ChatResult result;
  try {
    result = provider_->stream(refine_request(input), callbacks);
  } catch (const ProviderError& e) {
    usage.requests = e.requests();
    usage.wall_ms = steady_ms() - started;
    if (e.kind() == ProviderErrorKind::Cancelled) {
      record(kCanceledOutcome, "");
      return {{"canceled", true}};  // discarded: the job ends canceled
    }
    ApiError error = job_error(e);
    record(kFailedOutcome, error.code());
    throw error;
  } catch (const std::exception& e) {
    // Our own side failed (e.g. recording progress): still an attempt that may have cost tokens.
    usage.wall_ms = steady_ms() - started;
    record(kFailedOutcome, "job_failed");
    throw;
  }
  usage.requests = result.requests;
  usage.model = result.model;
  usage.prompt_tokens = result.usage.prompt_tokens;
  usage.completion_tokens = result.usage.completion_tokens;
  usage.wall_ms = steady_ms() - started;
  record(kSucceeded, "");

  ExtractedCode code = extract_code(result.content);
  std::optional<std::string> language = input.language ? input.language : code.language;
  return {{"code", code.code},
          {"language", language ? nlohmann::json(*language) : nlohmann::json(nullptr)},
          {"model", result.model},
          {"finishReason", result.finish_reason},
          {"usage",
           {{"promptTokens", result.usage.prompt_tokens},
            {"completionTokens", result.usage.completion_tokens},
            {"reported", result.usage_reported},
            {"requests", result.requests},
            {"wallMs", usage.wall_ms}}}};
}

}  // namespace od::ai
