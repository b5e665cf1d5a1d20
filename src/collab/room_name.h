// Collaboration room names: which project document a WebSocket edits. Only two shapes exist,
// `project/{id}/design` (the canvas) and `project/{id}/code/{file}` (one source file); anything
// else is not a room. Parsing is strict so a name maps to exactly one stored document.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace od::collab {

constexpr std::string_view kRoomPrefix = "project/";

struct RoomName {
  std::string project_id;
  std::string document;  // "design" or "code/<file>"
  // kRoomPrefix + project_id + "/" + document, allocated at its exact size (rooms keep it).
  std::string full() const;
};

constexpr size_t kMaxProjectIdBytes = 64;
constexpr size_t kMaxFileNameBytes = 200;

// Null for any other shape, an empty or oversized part, or a file path with "." / ".." segments
// or characters outside [A-Za-z0-9._-/].
std::optional<RoomName> parse_room_name(std::string_view name);

}  // namespace od::collab
