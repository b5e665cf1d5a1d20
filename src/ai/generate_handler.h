// The `generate` job type (brief 003: prompt -> application scaffold): one streamed chat
// completion (ProviderJob) asking for the project as JSON, whose files are checked
// (ai/generate.h) and stored in the blob store. The result lists them:
// {files: [{path, sha256, size, contentType}], model, finishReason, usage}; the brief-003 routes
// (ai/generate_api.h) serve them by signed URL and as a ZIP.
#pragma once

#include "ai/provider_job.h"
#include "storage/blob_store.h"

namespace od::ai {

class GenerateHandler : public jobs::JobHandler {
 public:
  GenerateHandler(Provider* provider, UsageStore& usage, jobs::JobStore& jobs,
                  storage::BlobStore& blobs)
      : job_(provider, usage, jobs), blobs_(blobs) {}

  std::string type() const override { return "generate"; }
  nlohmann::json run(jobs::JobContext& context) override;
  std::optional<Unavailability> unavailable() const override { return job_.unavailable(); }
  std::optional<Pause> paused() const override { return job_.paused(); }
  void validate(const nlohmann::json& input) const override;

 private:
  ProviderJob job_;
  storage::BlobStore& blobs_;
};

}  // namespace od::ai
