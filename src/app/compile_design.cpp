#include "app/compile_design.h"

#include "core/error.h"
#include "engines/design2code/framework_project.h"

namespace od::app {

namespace d2c = od::design2code;

d2c::Files compile_design(const d2c::Document& doc, const std::string& target,
                          const std::string& frame) {
  d2c::GenerateOptions options;
  options.frame = frame;
  try {
    if (target == "react") return d2c::generate_react(doc, options);
    if (target == "vue") return d2c::generate_vue(doc, options);
    return d2c::generate_html(doc, options);
  } catch (const d2c::InvalidDocument& e) {
    // E.g. a frame that the document does not have.
    std::string message = e.issues().empty() ? e.what() : e.issues().front().message;
    throw ApiError(422, "invalid_document", message);
  }
}

}  // namespace od::app
