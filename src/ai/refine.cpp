#include "ai/refine.h"

#include <vector>

#include "core/error.h"
#include "core/json_input.h"

namespace od::ai {
namespace {

ApiError input_error(const std::string& field, const std::string& problem) {
  return validation_error("input." + field + " " + problem, {{"field", "/input/" + field}});
}

bool valid_language(const std::string& language) {
  for (char c : language) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '+' || c == '#' || c == '.' || c == '-' || c == '_';
    if (!ok) return false;
  }
  return !language.empty() && language.size() <= kMaxLanguageChars;
}

std::string trim_lines(const std::string& text) {
  size_t begin = text.find_first_not_of(" \t\r\n");
  if (begin == std::string::npos) return {};
  size_t end = text.find_last_not_of(" \t\r\n");
  return text.substr(begin, end - begin + 1);
}

struct Line {
  size_t begin;
  size_t end;  // exclusive, before the newline
};

std::vector<Line> split_lines(const std::string& text) {
  std::vector<Line> lines;
  size_t begin = 0;
  while (begin <= text.size()) {
    size_t nl = text.find('\n', begin);
    size_t end = nl == std::string::npos ? text.size() : nl;
    lines.push_back({begin, end > begin && text[end - 1] == '\r' ? end - 1 : end});
    if (nl == std::string::npos) break;
    begin = nl + 1;
  }
  return lines;
}

// A fence line: optional indentation, then ``` (or more backticks); returns the info string.
std::optional<std::string> fence(const std::string& text, const Line& line) {
  std::string content = text.substr(line.begin, line.end - line.begin);
  size_t start = content.find_first_not_of(" \t");
  if (start == std::string::npos || content.compare(start, 3, "```") != 0) return std::nullopt;
  size_t info = content.find_first_not_of('`', start);
  if (info == std::string::npos) return std::string();
  return trim_lines(content.substr(info));
}

}  // namespace

RefineInput parse_refine_input(const nlohmann::json& input) {
  if (!input.is_object()) throw input_error("", "must be an object");
  for (const auto& [key, value] : input.items()) {
    if (key != "code" && key != "instruction" && key != "language") {
      throw input_error(key, "is not a field of refine (code, instruction, language)");
    }
  }
  RefineInput in;
  auto code = input.find("code");
  if (code == input.end() || !code->is_string()) throw input_error("code", "must be a string");
  in.code = code->get<std::string>();
  if (in.code.size() > kMaxRefineCodeBytes) {
    throw input_error("code", "must be at most " + std::to_string(kMaxRefineCodeBytes) + " bytes");
  }
  auto instruction = input.find("instruction");
  if (instruction == input.end() || !instruction->is_string()) {
    throw input_error("instruction", "must be a string");
  }
  in.instruction = instruction->get<std::string>();
  size_t length = json_input::utf8_length(in.instruction);
  if (trim_lines(in.instruction).empty() || length > kMaxInstructionChars) {
    throw input_error("instruction",
                      "must be 1 to " + std::to_string(kMaxInstructionChars) + " characters");
  }
  auto language = input.find("language");
  if (language != input.end() && !language->is_null()) {
    if (!language->is_string() || !valid_language(language->get<std::string>())) {
      throw input_error("language", "must be 1 to " + std::to_string(kMaxLanguageChars) +
                                        " of a-z, A-Z, 0-9, + # . - _");
    }
    in.language = language->get<std::string>();
  }
  return in;
}

ChatRequest refine_request(const RefineInput& input) {
  std::string language = input.language.value_or("");
  ChatRequest request;
  request.temperature = 0.2;  // edits should follow the instruction, not wander
  request.messages.push_back(
      {"system",
       "You are a careful senior engineer editing code. Apply the instruction to the code and "
       "answer with the complete updated code in a single fenced code block, with no "
       "explanation before or after it."});
  request.messages.push_back({"user", "Instruction:\n" + input.instruction + "\n\nCode" +
                                          (language.empty() ? "" : " (" + language + ")") +
                                          ":\n```" + language + "\n" + input.code + "\n```"});
  return request;
}

ExtractedCode extract_code(const std::string& answer) {
  std::vector<Line> lines = split_lines(answer);
  std::optional<ExtractedCode> best;
  for (size_t i = 0; i < lines.size(); ++i) {
    auto info = fence(answer, lines[i]);
    if (!info) continue;
    size_t close = i + 1;
    while (close < lines.size() && !fence(answer, lines[close])) ++close;
    size_t begin = i + 1 < lines.size() ? lines[i + 1].begin : answer.size();
    size_t end = close < lines.size() ? lines[close].begin : answer.size();
    std::string code = answer.substr(begin, end - begin);
    while (!code.empty() && (code.back() == '\n' || code.back() == '\r')) code.pop_back();
    if (!best || code.size() > best->code.size()) {
      best = ExtractedCode{code, info->empty() ? std::nullopt : std::optional(*info)};
    }
    i = close;
  }
  if (best) return *best;
  return {trim_lines(answer), std::nullopt};
}

}  // namespace od::ai
