#include "app/design2code_api.h"

#include "auth/request_auth.h"
#include "core/error.h"
#include "core/json_input.h"
#include "engines/design2code/design_input.h"
#include "engines/design2code/document.h"
#include "engines/design2code/framework_project.h"
#include "engines/design2code/html_generator.h"

namespace od::app {
namespace {

namespace ji = json_input;
namespace d2c = od::design2code;

constexpr size_t kMaxBodyBytes = 2 << 20;

nlohmann::json issues_json(const std::vector<d2c::Issue>& issues) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& issue : issues)
    list.push_back({{"path", issue.path}, {"message", issue.message}});
  return list;
}

}  // namespace

void register_design2code_routes(http::Router& router) {
  router.add(
      http::Method::Post, "/api/v1/design2code",
      [](http::Request& req) {
        auth::require_principal(req);
        nlohmann::json body = ji::parse_object(req.body, kMaxDesignBodyDepth);
        ji::reject_unknown_fields(body, {"document", "target", "frame"});
        std::string target = ji::string_field(body, "target", false, 1, 16).value_or("html");
        if (target != "html" && target != "react" && target != "vue") {
          throw validation_error("Field 'target' must be html, react or vue.",
                                 {{"field", "/target"}, {"allowed", {"html", "react", "vue"}}});
        }
        auto frame = ji::string_field(body, "frame", false, 1, 1024);
        auto document = body.find("document");
        if (document == body.end() || !(document->is_object() || document->is_array())) {
          throw validation_error("Field 'document' must be a canvas document or Figma JSON object.",
                                 {{"field", "/document"}});
        }
        try {
          // A canvas document or Figma JSON, told apart by content.
          d2c::Document doc = d2c::load_design(*document);
          d2c::GenerateOptions options;
          options.frame = frame.value_or("");
          d2c::Files files = target == "react" ? d2c::generate_react(doc, options)
                             : target == "vue" ? d2c::generate_vue(doc, options)
                                               : d2c::generate_html(doc, options);
          nlohmann::json out = nlohmann::json::object();
          for (const auto& [name, content] : files) out[name] = content;
          return http::Response::json(200, {{"target", target}, {"files", out}});
        } catch (const d2c::InvalidDocument& e) {
          // Paths are relative to the document, as the schema documents them.
          throw ApiError(422, "invalid_document", "The canvas document is not valid.",
                         {{"errors", issues_json(e.issues())}});
        }
      },
      {kMaxBodyBytes, "tool", "Compile a canvas document into HTML and CSS, React or Vue"});
}

}  // namespace od::app
