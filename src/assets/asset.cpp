#include "assets/asset.h"

#include <cctype>

#include "core/time.h"

namespace od::assets {

nlohmann::json to_json(const Asset& a) {
  return {{"id", a.id},
          {"ownerId", a.owner_id},
          {"projectId", a.project_id ? nlohmann::json(*a.project_id) : nlohmann::json(nullptr)},
          {"filename", a.filename},
          {"contentType", a.content_type},
          {"size", a.size},
          {"sha256", a.sha256},
          {"status", a.status},
          {"createdAt", rfc3339(a.created_at)}};
}

std::string sanitize_filename(std::string_view name) {
  size_t slash = name.find_last_of("/\\");
  if (slash != std::string_view::npos) name.remove_prefix(slash + 1);
  std::string out;
  for (unsigned char c : name) {
    bool safe = std::isalnum(c) || c == '.' || c == '-' || c == '_' || c == ' ' || c == '(' ||
                c == ')' || c == '+' || c == ',';
    out.push_back(safe ? static_cast<char>(c) : '_');
  }
  size_t first = out.find_first_not_of(". ");
  out = first == std::string::npos ? "" : out.substr(first);
  while (!out.empty() && out.back() == ' ') out.pop_back();
  if (out.size() > 200) out = out.substr(out.size() - 200);  // keep the extension
  return out.empty() ? "upload" : out;
}

}  // namespace od::assets
