#include "ai/generate.h"

#include <set>

#include "ai/provider_error.h"
#include "ai/refine.h"
#include "core/error.h"
#include "core/json_input.h"

namespace od::ai {
namespace {

ProviderError bad_answer(const std::string& problem) {
  return ProviderError(ProviderErrorKind::Malformed, "the generated project " + problem);
}

bool safe_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '-' || c == '_' || c == '/' || c == '@' || c == '+';
}

}  // namespace

std::string parse_generate_input(const nlohmann::json& input, const std::string& field_prefix) {
  std::string field = field_prefix + "/prompt";
  if (!input.is_object()) throw validation_error("The input must be an object.");
  for (const auto& [key, value] : input.items()) {
    if (key != "prompt") {
      throw validation_error("Field '" + key + "' is not a field of generate (prompt).",
                             {{"field", field_prefix + "/" + key}});
    }
  }
  auto prompt = input.find("prompt");
  if (prompt == input.end() || !prompt->is_string()) {
    throw validation_error("prompt must be a string of 1 to 1000 characters", {{"field", field}});
  }
  std::string text = prompt->get<std::string>();
  bool blank = text.find_first_not_of(" \t\r\n") == std::string::npos;
  if (blank || json_input::utf8_length(text) > kMaxPromptChars) {
    throw validation_error("prompt must be a string of 1 to 1000 characters", {{"field", field}});
  }
  return text;
}

ChatRequest generate_request(const std::string& prompt) {
  ChatRequest request;
  request.json_object = true;
  request.temperature = 0.3;
  request.messages.push_back(
      {"system",
       "You generate complete, runnable application scaffolds (React + TypeScript front end, "
       "Express API, PostgreSQL schema, unless the request says otherwise). Answer with one JSON "
       "object and nothing else: {\"files\": [{\"path\": \"relative/path.ext\", \"content\": "
       "\"the whole file\"}]}. Paths are relative, use '/', and contain only letters, digits, "
       "'.', '-', '_', '@' and '+'. Include a README.md that explains how to run the project."});
  request.messages.push_back({"user", prompt});
  return request;
}

bool safe_relative_path(const std::string& path) {
  if (path.empty() || path.size() > kMaxGeneratedPathBytes || path.front() == '/' ||
      path.back() == '/') {
    return false;
  }
  for (char c : path) {
    if (!safe_char(c)) return false;
  }
  size_t start = 0;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    std::string segment =
        path.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
    if (segment.empty() || segment == "." || segment == "..") return false;
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  return true;
}

std::vector<GeneratedFile> parse_generated_files(const std::string& answer) {
  auto value = nlohmann::json::parse(answer, nullptr, false);
  // Some models wrap JSON in a fence despite being asked not to.
  if (value.is_discarded())
    value = nlohmann::json::parse(extract_code(answer).code, nullptr, false);
  if (value.is_discarded() || !value.is_object()) throw bad_answer("is not a JSON object");
  auto files = value.find("files");
  if (files == value.end() || !files->is_array() || files->empty()) {
    throw bad_answer("has no files array");
  }
  if (files->size() > kMaxGeneratedFiles) {
    throw bad_answer("has more than " + std::to_string(kMaxGeneratedFiles) + " files");
  }
  std::vector<GeneratedFile> out;
  std::set<std::string> seen;
  size_t total = 0;
  for (const auto& file : *files) {
    if (!file.is_object() || !file.contains("path") || !file["path"].is_string() ||
        !file.contains("content") || !file["content"].is_string()) {
      throw bad_answer("has a file without a string path and content");
    }
    std::string path = file["path"].get<std::string>();
    if (!safe_relative_path(path))
      throw bad_answer("has an unsafe path '" + path.substr(0, 100) + "'");
    if (!seen.insert(path).second) throw bad_answer("names '" + path + "' twice");
    std::string content = file["content"].get<std::string>();
    if (content.size() > kMaxGeneratedFileBytes) throw bad_answer("has '" + path + "' over 1 MiB");
    total += content.size();
    if (total > kMaxGeneratedTotalBytes) throw bad_answer("is larger than 8 MiB");
    out.push_back({std::move(path), std::move(content)});
  }
  return out;
}

std::string content_type_for(const std::string& path) {
  static const std::pair<const char*, const char*> kTypes[] = {
      {".html", "text/html; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".jsx", "text/javascript; charset=utf-8"},
      {".ts", "text/plain; charset=utf-8"},
      {".tsx", "text/plain; charset=utf-8"},
      {".json", "application/json"},
      {".md", "text/markdown; charset=utf-8"},
      {".sql", "application/sql"},
      {".svg", "image/svg+xml"},
      {".yml", "text/yaml; charset=utf-8"},
      {".yaml", "text/yaml; charset=utf-8"},
  };
  for (const auto& [extension, type] : kTypes) {
    std::string_view ext(extension);
    if (path.size() > ext.size() && path.compare(path.size() - ext.size(), ext.size(), ext) == 0) {
      return type;
    }
  }
  return "text/plain; charset=utf-8";
}

}  // namespace od::ai
