// Still images through libvips: what a file is (dimensions, colour space, alpha, orientation,
// dominant colours) and derivatives of it (thumbnails and variants with EXIF orientation applied
// and every metadata block stripped).
//
// Input is hostile. The pixel count is checked from the header before any pixel is decoded (a
// 50000x50000 PNG is refused at once, whatever its file size), and loaders run with fail=true so
// truncated or corrupt data is an error instead of a grey picture. Run these in the bounded
// child process (media/probe_command.h), which also caps memory and time.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "media/palette.h"
#include "media/render.h"

namespace od::media {

// A file the decoders refuse; `code` is the API error code ("image_too_large", "corrupt_image",
// ...), what() the human sentence.
class MediaError : public std::runtime_error {
 public:
  MediaError(std::string code, const std::string& message)
      : std::runtime_error(message), code_(std::move(code)) {}
  const std::string& code() const { return code_; }

 private:
  std::string code_;
};

struct ImageLimits {
  int64_t max_pixels = 100'000'000;  // width x height (x frames) from the header
};

struct ImageInfo {
  int width = 0;  // as displayed: after EXIF orientation
  int height = 0;
  int orientation = 1;       // EXIF 1..8
  std::string format;        // loader: "jpeg", "png", "webp", "gif"
  std::string colour_space;  // libvips interpretation: "srgb", "b-w", "cmyk", "rgb16", ...
  int bands = 0;
  bool has_alpha = false;
  int pages = 1;  // animation frames
  std::vector<Swatch> palette;
};

// Starts libvips once per process, single-threaded (the child process is the unit of parallelism
// and RLIMIT_AS is easier to respect with one thread). Throws when libvips cannot start.
void init_vips();

// Reads the header and the palette. Throws MediaError.
ImageInfo probe_image(std::string_view bytes, const ImageLimits& limits);
// Everything processing makes of an image, decoding it once: the facts and palette of
// probe_image, and a WebP and a JPEG thumbnail (Fit) for each of `sizes`, each made from the
// decoded picture at the largest size rather than from the file again.
struct Thumbnail {
  int size = 0;
  Encoded encoded;
};
ImageInfo thumbnail_set(std::string_view bytes, const std::vector<int>& sizes,
                        const ImageLimits& limits, std::vector<Thumbnail>& out);

// One derivative of the image. Throws MediaError (corrupt data shows here, while decoding).
Encoded render_image(std::string_view bytes, const RenderSpec& spec, const ImageLimits& limits);
// Encodes packed 8-bit RGB pixels (a decoded video frame) as `spec` asks.
Encoded render_rgb(const uint8_t* rgb, int width, int height, const RenderSpec& spec);
// Palette of packed 8-bit RGB pixels, downscaled first so the cost does not grow with the size.
std::vector<Swatch> rgb_palette(const uint8_t* rgb, int width, int height);

}  // namespace od::media
