// The `noop` job type: the queue's own probe (benchmarks, health checks, tests). It returns
// {"ok": true} at once, or with {"steps": n} reports progress n times first, stopping early when
// the job is cancelled.
#pragma once

#include "jobs/handler.h"

namespace od::jobs {

class NoopHandler : public JobHandler {
 public:
  static constexpr int kMaxSteps = 1000;
  std::string type() const override { return "noop"; }
  nlohmann::json run(JobContext& context) override;
};

}  // namespace od::jobs
