#include "assets/sniff.h"

#include <algorithm>
#include <cctype>

namespace od::assets {
namespace {

bool starts(std::string_view data, std::string_view prefix, size_t at = 0) {
  return data.size() >= at + prefix.size() && data.substr(at, prefix.size()) == prefix;
}

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// ISO base media files (MP4, MOV) start with a box: 4-byte size, then "ftyp" and a major brand.
// QuickTime files may also start with other top-level atoms and no ftyp.
std::optional<std::string> sniff_iso_media(std::string_view data) {
  if (starts(data, "ftyp", 4)) {
    if (starts(data, "qt  ", 8)) return "video/quicktime";
    return "video/mp4";
  }
  for (std::string_view atom : {"moov", "mdat", "wide", "free", "pnot", "skip"}) {
    if (starts(data, atom, 4)) return "video/quicktime";
  }
  return std::nullopt;
}

// SVG is text: after an optional BOM, whitespace, the XML declaration, comments and a doctype,
// the first element must be <svg.
bool looks_like_svg(std::string_view data) {
  std::string text = lower(data.substr(0, 4096));
  size_t at = text.starts_with("\xef\xbb\xbf") ? 3 : 0;
  while (at < text.size()) {
    at = text.find_first_not_of(" \t\r\n", at);
    if (at == std::string::npos) return false;
    if (text.compare(at, 4, "<svg") == 0) {
      return at + 4 < text.size() &&
             std::string_view(" \t\r\n>/").find(text[at + 4]) != std::string_view::npos;
    }
    std::string_view close;
    if (text.compare(at, 4, "<!--") == 0) {
      close = "-->";
    } else if (text.compare(at, 2, "<?") == 0) {
      close = "?>";
    } else if (text.compare(at, 9, "<!doctype") == 0) {
      close = ">";
    } else {
      return false;
    }
    size_t end = text.find(close, at + 2);
    if (end == std::string::npos) return false;
    at = end + close.size();
  }
  return false;
}

}  // namespace

std::optional<std::string> sniff_type(std::string_view data) {
  if (starts(data, "\x89PNG\r\n\x1a\n")) return "image/png";
  if (starts(data, "\xff\xd8\xff")) return "image/jpeg";
  if (starts(data, "GIF87a") || starts(data, "GIF89a")) return "image/gif";
  if (starts(data, "RIFF") && starts(data, "WEBP", 8)) return "image/webp";
  if (starts(data, "\x1a\x45\xdf\xa3")) {
    // EBML: Matroska and WebM share it; the DocType element says which.
    if (data.substr(0, 64).find("webm") != std::string_view::npos) return "video/webm";
    return std::nullopt;
  }
  if (auto media = sniff_iso_media(data)) return media;
  if (looks_like_svg(data)) return "image/svg+xml";
  return std::nullopt;
}

std::optional<std::string> canonical_type(std::string_view declared) {
  std::string type = lower(declared.substr(0, declared.find(';')));
  type.erase(type.find_last_not_of(" \t") + 1);
  type.erase(0, type.find_first_not_of(" \t"));
  if (type == "image/jpg" || type == "image/pjpeg") return "image/jpeg";
  if (type == "video/mov") return "video/quicktime";
  for (const char* accepted : {"image/png", "image/jpeg", "image/gif", "image/webp",
                               "image/svg+xml", "video/mp4", "video/webm", "video/quicktime"}) {
    if (type == accepted) return type;
  }
  return std::nullopt;
}

}  // namespace od::assets
