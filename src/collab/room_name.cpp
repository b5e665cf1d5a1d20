#include "collab/room_name.h"

#include <cctype>

namespace od::collab {
namespace {

bool is_id_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
}

bool is_file_char(char c) { return is_id_char(c) || c == '.' || c == '/'; }

// Segments of a file path must be real names: no empty, "." or ".." parts.
bool valid_file(std::string_view file) {
  if (file.empty() || file.size() > kMaxFileNameBytes) return false;
  for (char c : file) {
    if (!is_file_char(c)) return false;
  }
  while (true) {
    size_t slash = file.find('/');
    std::string_view segment = file.substr(0, slash);
    if (segment.empty() || segment == "." || segment == "..") return false;
    if (slash == std::string_view::npos) return true;
    file.remove_prefix(slash + 1);
  }
}

}  // namespace

std::string RoomName::full() const {
  std::string name;
  name.reserve(kRoomPrefix.size() + project_id.size() + 1 + document.size());
  name.append(kRoomPrefix).append(project_id).append("/").append(document);
  return name;
}

std::optional<RoomName> parse_room_name(std::string_view name) {
  if (!name.starts_with(kRoomPrefix)) return std::nullopt;
  name.remove_prefix(kRoomPrefix.size());
  size_t slash = name.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  std::string_view id = name.substr(0, slash);
  if (id.empty() || id.size() > kMaxProjectIdBytes) return std::nullopt;
  for (char c : id) {
    if (!is_id_char(c)) return std::nullopt;
  }
  std::string_view document = name.substr(slash + 1);
  constexpr std::string_view kCode = "code/";
  if (document == "design") return RoomName{std::string(id), std::string(document)};
  if (document.starts_with(kCode) && valid_file(document.substr(kCode.size()))) {
    return RoomName{std::string(id), std::string(document)};
  }
  return std::nullopt;
}

}  // namespace od::collab
