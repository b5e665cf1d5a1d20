// Makes an uploaded SVG safe to serve: a strict, allow-by-default-but-strip-the-dangerous pass
// over the markup (not a full XML parser). Removed: <script>, <foreignObject>, <style> (CSS can
// fetch and run), <iframe>/<embed>/<object>/<handler>/<listener>, every on* event attribute,
// href/xlink:href that are not local fragments ("#id"), any attribute whose value (after
// decoding character references) contains "javascript:" or url() pointing elsewhere than "#",
// animation attributeName targeting href or on*, comments, CDATA sections, doctypes (and with
// them entity definitions) and processing instructions other than the XML declaration.
// Markup it cannot follow (an unterminated tag or comment) is refused rather than guessed at.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace od::assets {

// The sanitised document, or nothing when the input is not markup this sanitiser can follow
// or has no <svg> root left.
std::optional<std::string> sanitize_svg(std::string_view svg);

}  // namespace od::assets
