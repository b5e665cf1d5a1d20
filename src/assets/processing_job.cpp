#include "assets/processing_job.h"

#include "core/error.h"

namespace od::assets {

nlohmann::json ProcessAssetHandler::run(jobs::JobContext& context) {
  const auto& input = context.input();
  if (!input.is_object() || !input.contains("assetId") || !input["assetId"].is_string() ||
      input["assetId"].get<std::string>().size() > 64) {
    throw validation_error("input.assetId must be an asset id", {{"field", "/input/assetId"}});
  }
  context.progress(5, "decoding");
  // The decoder runs in a child process; each tick is this job's heartbeat, and a cancelled job
  // stops its decoder.
  nlohmann::json result = processor_.process(input["assetId"].get<std::string>(),
                                             [&context] { return !context.cancelled(); });
  context.progress(100, "done");
  return result;
}

}  // namespace od::assets
