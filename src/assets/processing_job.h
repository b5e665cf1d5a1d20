// The `asset.process` job type: {"assetId": "..."} -> AssetProcessor::process. Queued by the
// server itself when an asset is finalised; internal, so clients cannot submit it (it would let
// anyone make the server decode anyone's asset again).
#pragma once

#include "assets/processing.h"
#include "jobs/handler.h"

namespace od::assets {

inline constexpr char kProcessJobType[] = "asset.process";

class ProcessAssetHandler : public jobs::JobHandler {
 public:
  explicit ProcessAssetHandler(AssetProcessor& processor) : processor_(processor) {}
  std::string type() const override { return kProcessJobType; }
  nlohmann::json run(jobs::JobContext& context) override;
  bool internal() const override { return true; }

 private:
  AssetProcessor& processor_;
};

}  // namespace od::assets
