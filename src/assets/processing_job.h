// The `asset.process` job type: {"assetId": "..."} -> AssetProcessor::process. Queued by the
// server itself when an asset is finalised, never by clients' choice of input (a user could only
// reprocess their own asset, which is harmless, but has no reason to).
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

 private:
  AssetProcessor& processor_;
};

}  // namespace od::assets
