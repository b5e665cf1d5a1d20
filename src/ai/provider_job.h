// What the provider-backed job types (refine, generate) share: one streamed call to the AI
// provider for a running job, with progress while text arrives, cancellation between chunks,
// provider failures turned into job errors per the queue's contract (jobs/handler.h), and every
// attempt recorded in the usage accounts whatever its outcome.
#pragma once

#include <functional>
#include <optional>

#include "ai/provider.h"
#include "ai/provider_error.h"
#include "ai/usage_store.h"
#include "core/error.h"
#include "jobs/handler.h"
#include "jobs/store.h"

namespace od::ai {

class ProviderJob {
 public:
  // `provider` may be null (none configured). `jobs` tells a running job's owner and attempt.
  ProviderJob(Provider* provider, UsageStore& usage, jobs::JobStore& jobs);

  // Set when no provider is configured.
  std::optional<jobs::JobHandler::Unavailability> unavailable() const;
  // Set while the provider's circuit breaker is open (calls would fail at once).
  std::optional<jobs::JobHandler::Pause> paused() const;

  // Streams `request` for the job in `context` and returns what `finish` makes of the answer.
  // `expected_chars` (the likely answer length) scales progress. A cancelled job returns an
  // empty object (the queue discards it). `finish` may throw ApiError or ProviderError: the
  // attempt then fails with that error (ProviderError mapped by job_error).
  nlohmann::json run(jobs::JobContext& context, const std::string& type, const ChatRequest& request,
                     size_t expected_chars,
                     const std::function<nlohmann::json(const ChatResult&)>& finish);

 private:
  Provider* provider_;
  UsageStore& usage_;
  jobs::JobStore& jobs_;
};

// The job error for a provider failure (its code is what clients see on the failed job).
ApiError job_error(const ProviderError& error);

// {promptTokens, completionTokens, reported, requests, wallMs} for a job's result.
nlohmann::json usage_json(const ChatResult& result, int64_t wall_ms);

}  // namespace od::ai
