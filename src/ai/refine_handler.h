// The `refine` job type (brief 000: existing code + instruction -> refined code): one streamed
// chat completion (ProviderJob) whose answer's code block becomes {code, language, model,
// finishReason, usage}. Inputs are checked at submit (ai/refine.h).
#pragma once

#include "ai/provider_job.h"

namespace od::ai {

class RefineHandler : public jobs::JobHandler {
 public:
  RefineHandler(Provider* provider, UsageStore& usage, jobs::JobStore& jobs)
      : job_(provider, usage, jobs) {}

  std::string type() const override { return "refine"; }
  nlohmann::json run(jobs::JobContext& context) override;
  std::optional<Unavailability> unavailable() const override { return job_.unavailable(); }
  std::optional<Pause> paused() const override { return job_.paused(); }
  void validate(const nlohmann::json& input) const override;

 private:
  ProviderJob job_;
};

}  // namespace od::ai
