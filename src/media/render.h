// What a derivative image looks like: a box, how the picture meets it, and the file format.
// Shared by image thumbnails, on-demand variants and video posters, and by the API that parses
// `thumb=WxH&fit=...`.
#pragma once

#include <optional>
#include <string>
#include <utility>

namespace od::media {

// The CSS object-fit meanings: Fit keeps the aspect ratio inside the box (never enlarging), Fill
// stretches to exactly the box, Crop covers the box and cuts the overflow around the centre.
enum class Fit { Fit, Fill, Crop };
enum class Format { Webp, Jpeg, Png };

struct RenderSpec {
  int width = 256;
  int height = 256;
  Fit fit = Fit::Fit;
  Format format = Format::Webp;
};

// "WxH" with W and H decimal integers from 1 to 16383 (WebP's limit), nothing else.
std::optional<std::pair<int, int>> parse_box(const std::string& text);
std::optional<Fit> parse_fit(const std::string& name);
std::string fit_name(Fit fit);
std::string format_extension(Format format);     // "webp", "jpeg", "png"
std::string format_content_type(Format format);  // "image/webp", ...
std::optional<Format> format_from_extension(const std::string& extension);

// A rendered derivative: encoded bytes and the size the picture came out at.
struct Encoded {
  std::string bytes;
  int width = 0;
  int height = 0;
  Format format = Format::Webp;
};

}  // namespace od::media
