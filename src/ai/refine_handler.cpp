#include "ai/refine_handler.h"

#include "ai/refine.h"

namespace od::ai {

void RefineHandler::validate(const nlohmann::json& input) const { parse_refine_input(input); }

nlohmann::json RefineHandler::run(jobs::JobContext& context) {
  RefineInput input = parse_refine_input(context.input());
  // Refined code is about as long as the code it refines.
  return job_.run(
      context, type(), refine_request(input), input.code.size(), [&](const ChatResult& result) {
        ExtractedCode code = extract_code(result.content);
        auto language = input.language ? input.language : code.language;
        return nlohmann::json{{"code", code.code},
                              {"language", language ? nlohmann::json(*language) : nlohmann::json()},
                              {"model", result.model},
                              {"finishReason", result.finish_reason}};
      });
}

}  // namespace od::ai
