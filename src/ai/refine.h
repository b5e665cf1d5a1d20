// The `refine` task apart from the queue and the transport: its input rules, the chat request it
// sends, and how the refined code is read back from the model's answer.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "ai/chat_protocol.h"

namespace od::ai {

inline constexpr size_t kMaxRefineCodeBytes = 200 * 1024;
inline constexpr size_t kMaxInstructionChars = 4000;
inline constexpr size_t kMaxLanguageChars = 32;

struct RefineInput {
  std::string code;
  std::string instruction;
  std::optional<std::string> language;  // e.g. "tsx", "css"; a-z 0-9 + # . - _
};

// Reads {code, instruction, language?}; throws a 400 ApiError naming the field (/input/...).
RefineInput parse_refine_input(const nlohmann::json& input);

ChatRequest refine_request(const RefineInput& input);

struct ExtractedCode {
  std::string code;
  std::optional<std::string> language;  // the fence's info string, when there was one
};

// The code in a model's answer: the content of its fenced block (the longest, when there are
// several; up to the end when the closing fence is missing), else the whole answer, trimmed.
ExtractedCode extract_code(const std::string& answer);

}  // namespace od::ai
