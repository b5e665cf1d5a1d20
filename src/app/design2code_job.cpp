#include "app/design2code_job.h"

#include <sstream>

#include "ai/generate.h"
#include "app/compile_design.h"
#include "app/design2code_api.h"
#include "core/error.h"
#include "core/json_input.h"
#include "engines/design2code/design_input.h"
#include "engines/design2code/html_generator.h"

namespace od::app {
namespace {

namespace ji = json_input;
namespace d2c = od::design2code;

struct Request {
  std::string target;
  std::string frame;
};

// Checks the fields other than the document (which may come from the project instead).
Request parse_request(const nlohmann::json& input) {
  ji::reject_unknown_fields(input, {"document", "target", "frame"});
  Request request;
  request.target = ji::string_field(input, "target", false, 1, 16).value_or("html");
  if (request.target != "html" && request.target != "react" && request.target != "vue") {
    throw validation_error("Field 'target' must be html, react or vue.",
                           {{"field", "/input/target"}, {"allowed", {"html", "react", "vue"}}});
  }
  request.frame = ji::string_field(input, "frame", false, 1, 1024).value_or("");
  if (input.contains("document") && !input["document"].is_object()) {
    throw validation_error("Field 'document' must be a canvas document or Figma JSON object.",
                           {{"field", "/input/document"}});
  }
  return request;
}

// Loads (canvas or Figma JSON, told apart by content) and validates the design; problems become
// a 422 listing them with paths relative to the document, as POST /api/v1/design2code does.
d2c::Document load(const nlohmann::json& design) {
  try {
    return d2c::load_design(design);
  } catch (const d2c::InvalidDocument& e) {
    nlohmann::json errors = nlohmann::json::array();
    for (const auto& issue : e.issues())
      errors.push_back({{"path", issue.path}, {"message", issue.message}});
    throw ApiError(422, "invalid_document", "The canvas document is not valid.",
                   {{"errors", errors}});
  }
}

}  // namespace

void Design2CodeHandler::validate(const nlohmann::json& input) const {
  parse_request(input);
  if (input.contains("document")) load(input["document"]);
}

void Design2CodeHandler::validate_submission(const auth::Principal&, const nlohmann::json& input,
                                             const std::optional<std::string>& project_id) const {
  validate(input);
  if (!input.contains("document") && !project_id) {
    throw ApiError(422, "document_required",
                   "Give the design as input.document or submit the job with a projectId.",
                   {{"field", "/input/document"}});
  }
}

int Design2CodeHandler::max_input_depth() const { return kMaxDesignBodyDepth; }

nlohmann::json Design2CodeHandler::design_of(jobs::JobContext& context) {
  const nlohmann::json& input = context.input();
  if (input.contains("document")) return input["document"];
  auto job = jobs_.find(context.job_id());
  if (!job || !job->project_id) {
    throw ApiError(422, "document_required",
                   "Give the design as input.document or submit the job with a projectId.");
  }
  auto project = projects_.find(*job->project_id);
  if (!project) throw not_found("project");
  if (!project->design.is_object() || project->design.empty()) {
    throw ApiError(422, "project_has_no_design", "The project has no designJson to compile.",
                   {{"projectId", project->id}});
  }
  return std::move(project->design);
}

nlohmann::json Design2CodeHandler::run(jobs::JobContext& context) {
  Request request = parse_request(context.input());
  context.progress(5, "parsing the design");
  d2c::Document doc = load(design_of(context));
  if (context.cancelled()) return nullptr;
  context.progress(30, "generating " + request.target);
  d2c::Files files = compile_design(doc, request.target, request.frame);
  if (context.cancelled()) return nullptr;
  context.progress(70, "storing " + std::to_string(files.size()) + " files");
  nlohmann::json listed = nlohmann::json::array();
  for (const auto& [path, content] : files) {
    if (context.cancelled()) return nullptr;
    std::istringstream in(content);
    std::string type = ai::content_type_for(path);
    storage::BlobInfo blob = blobs_.put_stream(in, content.size(), type);
    listed.push_back(
        {{"path", path}, {"sha256", blob.sha256}, {"size", blob.size}, {"contentType", type}});
  }
  return {{"files", listed}, {"target", request.target}};
}

}  // namespace od::app
