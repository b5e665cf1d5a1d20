// Content sniffing: the media type an upload really is, decided by its leading bytes (magic
// numbers), never by its name or the type the client declared. Only the types assets accept are
// recognised: PNG, JPEG, WebP, GIF, SVG, MP4, WebM and QuickTime (MOV).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace od::assets {

// The canonical media type of `head` (the first bytes of a file; 512 are plenty), or nothing
// when it is none of the accepted types.
std::optional<std::string> sniff_type(std::string_view head);

// The canonical form of a declared Content-Type ("image/JPG; x=y" -> "image/jpeg"), or nothing
// when it is not an accepted type.
std::optional<std::string> canonical_type(std::string_view declared);

}  // namespace od::assets
