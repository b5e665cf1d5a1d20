#include "jobs/noop_handler.h"

#include "core/error.h"

namespace od::jobs {

nlohmann::json NoopHandler::run(JobContext& context) {
  const auto& input = context.input();
  int steps = 0;
  if (input.is_object() && input.contains("steps")) {
    const auto& value = input["steps"];
    if (!value.is_number_integer() || value.get<int64_t>() < 0 ||
        value.get<int64_t>() > kMaxSteps) {
      // A 4xx: the input is wrong, so the job fails without retries.
      throw validation_error("input.steps must be an integer from 0 to " +
                             std::to_string(kMaxSteps));
    }
    steps = value.get<int>();
  }
  for (int step = 1; step <= steps; ++step) {
    if (context.cancelled()) return {{"ok", false}, {"stepsDone", step - 1}};
    context.progress(step * 100 / steps, "step " + std::to_string(step));
  }
  return {{"ok", true}};
}

}  // namespace od::jobs
