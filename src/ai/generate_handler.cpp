#include "ai/generate_handler.h"

#include <sstream>

#include "ai/generate.h"

namespace od::ai {

namespace {
// A scaffold is many files: expect an answer of this order for progress.
constexpr size_t kExpectedAnswerChars = 12'000;
}  // namespace

void GenerateHandler::validate(const nlohmann::json& input) const { parse_generate_input(input); }

nlohmann::json GenerateHandler::run(jobs::JobContext& context) {
  std::string prompt = parse_generate_input(context.input());
  return job_.run(context, type(), generate_request(prompt), kExpectedAnswerChars,
                  [&](const ChatResult& result) {
                    std::vector<GeneratedFile> files = parse_generated_files(result.content);
                    context.progress(96, "storing " + std::to_string(files.size()) + " files");
                    nlohmann::json listed = nlohmann::json::array();
                    for (const auto& file : files) {
                      std::istringstream in(file.content);
                      std::string type = content_type_for(file.path);
                      storage::BlobInfo blob = blobs_.put_stream(in, file.content.size(), type);
                      listed.push_back({{"path", file.path},
                                        {"sha256", blob.sha256},
                                        {"size", blob.size},
                                        {"contentType", type}});
                    }
                    return nlohmann::json{{"files", listed},
                                          {"model", result.model},
                                          {"finishReason", result.finish_reason}};
                  });
}

}  // namespace od::ai
