// The asset record and its JSON form: one user's uploaded file, whose bytes are the blob named by
// its SHA-256.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace od::assets {

struct Asset {
  std::string id;
  std::string owner_id;
  std::optional<std::string> project_id;
  std::string filename;
  std::string content_type;
  int64_t size = 0;
  std::string sha256;
  std::string status;  // pending | ready | failed
  int64_t created_at = 0;
};

nlohmann::json to_json(const Asset& asset);

// A safe display name: the last path component, control and non-ASCII bytes and characters
// that mean something to shells or HTTP headers replaced by '_', no leading dots, at most 200
// bytes; "upload" when nothing is left.
std::string sanitize_filename(std::string_view name);

}  // namespace od::assets
