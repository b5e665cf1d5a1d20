// The `refine` job type (brief 000: existing code + instruction -> refined code). It streams a
// chat completion from the configured provider, reports progress while text arrives, stops when
// the job is cancelled, and returns {code, language, model, usage, finishReason}. Every attempt,
// whatever its outcome, is recorded in the usage accounts.
//
// Without a provider the type is listed as unavailable and submits answer 422
// ai_provider_unavailable. Provider failures become job errors per the queue's contract
// (jobs/handler.h): a rejected request (4xx) fails the job for good; rate limits, 5xx, network
// errors, timeouts, broken streams and an open circuit are retryable attempts.
#pragma once

#include "ai/provider.h"
#include "ai/provider_error.h"
#include "ai/usage_store.h"
#include "core/error.h"
#include "jobs/handler.h"
#include "jobs/store.h"

namespace od::ai {

class RefineHandler : public jobs::JobHandler {
 public:
  // `provider` may be null (no provider configured). `jobs` tells the owner and attempt number
  // of a running job, for the usage accounts.
  RefineHandler(Provider* provider, UsageStore& usage, jobs::JobStore& jobs);

  std::string type() const override { return "refine"; }
  nlohmann::json run(jobs::JobContext& context) override;
  std::optional<Unavailability> unavailable() const override;
  void validate(const nlohmann::json& input) const override;

 private:
  Provider* provider_;
  UsageStore& usage_;
  jobs::JobStore& jobs_;
};

// The job error for a provider failure (its code is what clients see on the failed job).
ApiError job_error(const ProviderError& error);

}  // namespace od::ai
