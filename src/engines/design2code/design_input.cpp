#include "engines/design2code/design_input.h"

namespace od::design2code {
namespace {

using nlohmann::json;

// Nesting allowed in the text: each node level costs two JSON levels (node object, children
// array), plus the wrappers of the Figma formats (nodes/<id>/document) and the values inside a
// node (a gradient stop's colour sits four levels below its node).
int max_json_depth(const Limits& limits) { return 2 * limits.max_depth + 16; }

// JSON escapes take at most six bytes per decoded byte ("\u0041"), so a string longer than six
// times the limit in the text is certainly too long once decoded.
size_t max_raw_string(const Limits& limits) {
  return 6 * std::max(limits.max_text_bytes, limits.max_name_bytes);
}

Issue issue_at(size_t offset, const std::string& message) {
  return {"", "at byte " + std::to_string(offset) + ": " + message};
}

// Rewrites a path of the imported canvas JSON into the Figma node it came from: the longest
// canvas node pointer that prefixes the path names the node; the rest (a canvas property) is
// put into the message.
Issue to_source(const Issue& issue, const FigmaImport& imported) {
  const std::pair<std::string, std::string>* best = nullptr;
  for (const auto& entry : imported.pointers) {
    const std::string& prefix = entry.first;
    bool matches = issue.path.compare(0, prefix.size(), prefix) == 0 &&
                   (issue.path.size() == prefix.size() || issue.path[prefix.size()] == '/');
    if (matches && (!best || prefix.size() > best->first.size())) best = &entry;
  }
  if (!best) return issue;
  std::string rest = issue.path.substr(best->first.size());
  return {best->second,
          rest.empty() ? issue.message : "imported as canvas " + rest + ", which " + issue.message};
}

}  // namespace

Document load_design(const json& input, const Limits& limits, InputFormat* detected) {
  InputFormat format = detect_format(input);
  if (detected) *detected = format;
  if (format == InputFormat::kCanvas) return parse_document(input, limits);
  if (format == InputFormat::kUnknown) {
    throw InvalidDocument(std::vector<Issue>{
        {"",
         "neither a canvas document ({\"version\": 1, \"children\": [...]}) nor a Figma file "
         "(GET /v1/files/:key), nodes response (GET /v1/files/:key/nodes) or node object"}});
  }
  FigmaImport imported = import_figma(input, format, limits);
  try {
    return parse_document(imported.canvas, limits);
  } catch (const InvalidDocument& e) {
    std::vector<Issue> mapped;
    for (const auto& issue : e.issues()) mapped.push_back(to_source(issue, imported));
    throw InvalidDocument(std::move(mapped));
  }
}

void check_json_text(std::string_view text, const Limits& limits) {
  const int depth_limit = max_json_depth(limits);
  const size_t string_limit = max_raw_string(limits);
  int depth = 0;
  bool in_string = false, escaped = false;
  size_t string_start = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      if (in_string && i - string_start > string_limit) {
        throw InvalidDocument(std::vector<Issue>{
            issue_at(string_start, "a string is longer than " + std::to_string(string_limit) +
                                       " bytes, more than any field of a design allows")});
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
      string_start = i;
    } else if (c == '{' || c == '[') {
      if (++depth > depth_limit) {
        throw InvalidDocument(std::vector<Issue>{issue_at(
            i, "nesting is deeper than " + std::to_string(depth_limit) +
                   " levels (nodes may nest " + std::to_string(limits.max_depth) + " deep)")});
      }
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
}

Document load_design_text(std::string_view text, const Limits& limits, InputFormat* detected) {
  check_json_text(text, limits);
  json value;
  try {
    value = json::parse(text.begin(), text.end());
  } catch (const json::parse_error& e) {
    throw InvalidDocument(std::vector<Issue>{{"", std::string("not valid JSON: ") + e.what()}});
  }
  return load_design(value, limits, detected);
}

}  // namespace od::design2code
