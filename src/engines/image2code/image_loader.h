// Stage 1, load and bounds: a PNG, JPEG or WebP screenshot from untrusted bytes to an 8-bit BGR
// picture. The size is read from the file header and checked against the limits before anything
// is decoded, so a decompression bomb (a small file claiming a huge picture) costs nothing; a
// truncated or corrupt file gives an ImageError with a sentence a user can act on.
#pragma once

#include <cstddef>
#include <opencv2/core.hpp>
#include <stdexcept>
#include <string>
#include <string_view>

namespace od::image2code {

class ImageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct LoadLimits {
  size_t max_bytes = 64u << 20;
  int max_width = 4096;
  int max_height = 16384;
  // Decoded pixels allowed (3 bytes each, plus the engine's working copies): keeps a full
  // 4096 x 16384 picture out while a 1280 x 16384 page passes, inside the 500 MB budget.
  long max_pixels = 24'000'000;
};

struct ImageHeader {
  std::string format;  // png | jpeg | webp
  int width = 0, height = 0;
};

// Reads the format and size from the header only. Throws ImageError for unknown formats,
// headers cut short and sizes beyond the limits.
ImageHeader read_header(std::string_view bytes, const LoadLimits& limits = {});

// Header check, then decode. Transparent pixels are composed over white (as a browser shows
// them); grey and 16-bit pictures become 8-bit BGR.
cv::Mat load_image(std::string_view bytes, const LoadLimits& limits = {});

}  // namespace od::image2code
