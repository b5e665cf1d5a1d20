// The `design2code` job type (issue 4): compiles a canvas document or Figma JSON into HTML and
// CSS, React or Vue off the request path, for documents too large for POST /api/v1/design2code.
// Input: {target?: "html"|"react"|"vue", frame?: string, document?: object}; without `document`
// the job's project (submitted with projectId; the queue checks the submitter may read it)
// supplies its stored designJson, read when the job runs. Each generated file goes into the blob
// store and the result has the shape of a generate job's, {files: [{path, sha256, size,
// contentType}], target}, so GET /api/v1/results/{id} serves both.
#pragma once

#include "jobs/handler.h"
#include "jobs/store.h"
#include "projects/store.h"
#include "storage/blob_store.h"

namespace od::app {

class Design2CodeHandler : public jobs::JobHandler {
 public:
  Design2CodeHandler(jobs::JobStore& jobs, projects::ProjectStore& projects,
                     storage::BlobStore& blobs)
      : jobs_(jobs), projects_(projects), blobs_(blobs) {}

  std::string type() const override { return "design2code"; }
  nlohmann::json run(jobs::JobContext& context) override;
  void validate(const nlohmann::json& input) const override;
  // Without a document the job needs a project to read it from: refused at submit otherwise.
  void validate_submission(const auth::Principal& caller, const nlohmann::json& input,
                           const std::optional<std::string>& project_id) const override;
  // The document's own bound (as POST /api/v1/design2code), not the small default of job inputs.
  int max_input_depth() const override;

 private:
  // The document to compile: the inline one, else the job's project's designJson.
  nlohmann::json design_of(jobs::JobContext& context);

  jobs::JobStore& jobs_;
  projects::ProjectStore& projects_;
  storage::BlobStore& blobs_;
};

}  // namespace od::app
