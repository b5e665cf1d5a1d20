// The `image2code` job type (issue 7): a screenshot the caller uploaded as an asset becomes a
// canvas document, its picture crops and code. Input: {assetId, target?: html|react|vue|canvas
// (default html), frame?: the frame to compile}. Submit checks that the caller may read the asset
// (as a user: owner or project collaborator) and that it is a PNG, JPEG or WebP within the
// engine's bounds (422 otherwise: asset_not_found, asset_not_ready, unsupported_asset_type,
// invalid_image, image_too_large).
//
// The engine runs in a bounded child process (app/image2code_child.h) with a memory, CPU and
// wall-clock limit, so a hostile picture fails its job (422 with a code), never the server. Each
// stage the child reports is a progress event; code generation (the design-to-code engine) is
// the last. The result has the shape of a design2code job's, {files: [{path, sha256, size,
// contentType}], target}, plus {document: "design.json", width, height}: design.json is the
// canvas document, assets/ its picture crops, then the generated code unless target is canvas.
#pragma once

#include <chrono>
#include <string>

#include "assets/service.h"
#include "jobs/handler.h"
#include "jobs/store.h"
#include "storage/blob_store.h"

namespace od::app {

struct Image2CodeJobConfig {
  std::string executable;  // the opendesign binary (normally /proc/self/exe)
  std::string temp_dir;    // each run gets a private directory here, removed after
  std::chrono::milliseconds wall{120'000};
  int memory_mb = 1024;
  int cpu_seconds = 60;
};

class Image2CodeHandler : public jobs::JobHandler {
 public:
  Image2CodeHandler(jobs::JobStore& jobs, assets::AssetsService& assets, storage::BlobStore& blobs,
                    Image2CodeJobConfig config)
      : jobs_(jobs), assets_(assets), blobs_(blobs), config_(std::move(config)) {}

  std::string type() const override { return "image2code"; }
  nlohmann::json run(jobs::JobContext& context) override;
  void validate(const nlohmann::json& input) const override;
  // Also that the caller may read the asset and that it is a picture the engine accepts.
  void validate_submission(const auth::Principal& caller, const nlohmann::json& input,
                           const std::optional<std::string>& project_id) const override;

 private:
  // The asset `user_id` may read, checked to be a picture the engine accepts; 422 otherwise.
  assets::Asset readable_picture(const std::string& user_id, const std::string& asset_id) const;

  jobs::JobStore& jobs_;
  assets::AssetsService& assets_;
  storage::BlobStore& blobs_;
  Image2CodeJobConfig config_;
};

}  // namespace od::app
