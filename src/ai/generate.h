// The `generate` task (brief 003, the app generator) apart from the queue and the transport: the
// prompt's rules, the chat request asking for a project as JSON, and reading that answer back as
// files. The model's answer is hostile input like any other: every path is checked (relative, no
// `..`, no duplicates, a safe alphabet) and counts and sizes are bounded before anything is stored.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "ai/chat_protocol.h"

namespace od::ai {

inline constexpr size_t kMaxPromptChars = 1000;
inline constexpr size_t kMaxGeneratedFiles = 100;
inline constexpr size_t kMaxGeneratedFileBytes = 1 << 20;
inline constexpr size_t kMaxGeneratedTotalBytes = 8 << 20;
inline constexpr size_t kMaxGeneratedPathBytes = 200;

struct GeneratedFile {
  std::string path;  // relative, '/'-separated
  std::string content;
};

// The prompt of {prompt}; throws a 400 ApiError naming `field_prefix` + "/prompt".
std::string parse_generate_input(const nlohmann::json& input,
                                 const std::string& field_prefix = "/input");

ChatRequest generate_request(const std::string& prompt);

// The files of an answer {"files": [{"path", "content"}]} (bare or in a fenced block). Throws
// ProviderError(Malformed) naming the problem.
std::vector<GeneratedFile> parse_generated_files(const std::string& answer);

// Whether `path` is a safe relative file path (see above).
bool safe_relative_path(const std::string& path);

// A content type by file extension; text/plain for the unknown.
std::string content_type_for(const std::string& path);

}  // namespace od::ai
