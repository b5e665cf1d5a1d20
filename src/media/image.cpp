#include "media/image.h"

#include <vips/vips8>

#include <algorithm>
#include <memory>
#include <mutex>

namespace od::media {
namespace {

using vips::VError;
using vips::VImage;
using vips::VOption;

// The first line of libvips' message, bounded: enough to say what is wrong without echoing
// attacker-controlled bytes at length.
std::string reason(const VError& e) {
  std::string text = e.what();
  text = text.substr(0, text.find('\n'));
  if (text.size() > 200) text.resize(200);
  return text;
}

// A VipsBlob over caller-owned bytes (no copy, no free), released with the pointer.
struct BlobUnref {
  void operator()(VipsBlob* blob) const { vips_area_unref(VIPS_AREA(blob)); }
};
std::unique_ptr<VipsBlob, BlobUnref> borrow(std::string_view bytes) {
  return std::unique_ptr<VipsBlob, BlobUnref>(vips_blob_new(nullptr, bytes.data(), bytes.size()));
}

// Opens the header only (no pixels are decoded) and enforces the pixel limit.
VImage open_header(std::string_view bytes, const ImageLimits& limits) {
  VImage image;
  try {
    image = VImage::new_from_buffer(
        bytes.data(), bytes.size(), "",
        VImage::option()->set("access", VIPS_ACCESS_SEQUENTIAL)->set("fail", true));
  } catch (const VError& e) {
    throw MediaError("unreadable_image", "The file is not a readable image: " + reason(e));
  }
  int64_t pixels = int64_t{image.width()} * image.height();
  if (pixels > limits.max_pixels) {
    throw MediaError("image_too_large",
                     "The image declares " + std::to_string(image.width()) + "x" +
                         std::to_string(image.height()) + " pixels; at most " +
                         std::to_string(limits.max_pixels) + " pixels are decoded.");
  }
  return image;
}

// 8-bit sRGB (or 8-bit grey) whatever came in: CMYK, 16-bit, Lab, ...
VImage to_display(VImage image) {
  bool grey = image.interpretation() == VIPS_INTERPRETATION_B_W ||
              image.interpretation() == VIPS_INTERPRETATION_GREY16;
  image = image.colourspace(grey ? VIPS_INTERPRETATION_B_W : VIPS_INTERPRETATION_sRGB);
  if (image.format() != VIPS_FORMAT_UCHAR) image = image.cast(VIPS_FORMAT_UCHAR);
  return image;
}

// Exactly three 8-bit bands, alpha flattened onto white.
VImage to_rgb(VImage image) {
  image = to_display(image);
  if (image.has_alpha()) {
    image = image.flatten(VImage::option()->set("background", std::vector<double>{255, 255, 255}));
    image = image.cast(VIPS_FORMAT_UCHAR);
  }
  if (image.bands() == 1) image = image.bandjoin({image, image});
  if (image.bands() > 3) image = image.extract_band(0, VImage::option()->set("n", 3));
  return image;
}

std::string take(VipsBlob* blob) {
  size_t length = 0;
  const void* data = vips_blob_get(blob, &length);
  std::string out(static_cast<const char*>(data), length);
  vips_area_unref(VIPS_AREA(blob));
  return out;
}

// Encodes with every metadata block (EXIF, XMP, ICC, comments) stripped.
Encoded encode(VImage image, Format format) {
  image = format == Format::Jpeg ? to_rgb(image) : to_display(image);
  Encoded out;
  out.format = format;
  switch (format) {
    case Format::Webp:
      out.bytes = take(image.webpsave_buffer(VImage::option()->set("Q", 80)->set("strip", true)));
      break;
    case Format::Jpeg:
      out.bytes = take(image.jpegsave_buffer(VImage::option()->set("Q", 85)->set("strip", true)));
      break;
    case Format::Png:
      out.bytes =
          take(image.pngsave_buffer(VImage::option()->set("compression", 6)->set("strip", true)));
      break;
  }
  out.width = image.width();
  out.height = image.height();
  return out;
}

VOption* thumbnail_options(const RenderSpec& spec) {
  auto* options = VImage::option()->set("height", spec.height);
  switch (spec.fit) {
    case Fit::Fit:
      return options->set("size", VIPS_SIZE_DOWN);
    case Fit::Fill:
      return options->set("size", VIPS_SIZE_FORCE);
    case Fit::Crop:
      return options->set("size", VIPS_SIZE_BOTH)->set("crop", VIPS_INTERESTING_CENTRE);
  }
  return options;
}

std::vector<Swatch> palette_of(VImage small) {
  small = to_rgb(small);
  size_t size = 0;
  void* memory = small.write_to_memory(&size);
  std::unique_ptr<void, decltype(&g_free)> owned(memory, g_free);
  size_t pixels = static_cast<size_t>(small.width()) * small.height();
  if (size < pixels * 3) return {};
  return dominant_colours(static_cast<const uint8_t*>(memory), pixels, 8);
}

std::string loader_name(const VImage& image) {
  if (!image.get_typeof("vips-loader")) return "unknown";
  std::string loader = image.get_string("vips-loader");
  return loader.substr(0, loader.find("load"));
}

ImageInfo describe_header(const VImage& header) {
  ImageInfo info;
  info.format = loader_name(header);
  info.orientation = header.get_typeof("orientation") ? header.get_int("orientation") : 1;
  if (info.orientation < 1 || info.orientation > 8) info.orientation = 1;
  bool turned = info.orientation >= 5;  // 5..8 swap width and height
  info.width = turned ? header.height() : header.width();
  info.height = turned ? header.width() : header.height();
  info.colour_space = vips_enum_nick(VIPS_TYPE_INTERPRETATION, header.interpretation());
  info.bands = header.bands();
  info.has_alpha = header.has_alpha();
  info.pages = header.get_typeof("n-pages") ? header.get_int("n-pages") : 1;
  return info;
}

}  // namespace

void init_vips() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (VIPS_INIT("opendesign")) throw std::runtime_error("libvips failed to start");
    vips_concurrency_set(1);
    vips_cache_set_max(0);
  });
}

ImageInfo probe_image(std::string_view bytes, const ImageLimits& limits) {
  ImageInfo info = describe_header(open_header(bytes, limits));
  try {
    auto blob = borrow(bytes);
    VImage small = VImage::thumbnail_buffer(
        blob.get(), 64, VImage::option()->set("height", 64)->set("option_string", "fail=true"));
    info.palette = palette_of(small);
  } catch (const VError& e) {
    throw MediaError("corrupt_image", "The image data is damaged: " + reason(e));
  }
  return info;
}

ImageInfo thumbnail_set(std::string_view bytes, const std::vector<int>& sizes,
                        const ImageLimits& limits, std::vector<Thumbnail>& out) {
  ImageInfo info = describe_header(open_header(bytes, limits));
  int largest = 64;
  for (int size : sizes) largest = std::max(largest, size);
  try {
    auto blob = borrow(bytes);
    // One decode (shrink-on-load where the format has it) at the largest box, kept in memory;
    // every smaller thumbnail and the palette are resized from it.
    VImage base = VImage::thumbnail_buffer(blob.get(), largest,
                                           VImage::option()
                                               ->set("height", largest)
                                               ->set("size", VIPS_SIZE_DOWN)
                                               ->set("option_string", "fail=true"))
                      .copy_memory();
    auto resized = [&](int size) {
      if (size >= largest) return base;
      return base.thumbnail_image(
          size, VImage::option()->set("height", size)->set("size", VIPS_SIZE_DOWN));
    };
    info.palette = palette_of(resized(64));
    for (int size : sizes) {
      VImage picture = resized(size);
      for (Format format : {Format::Webp, Format::Jpeg}) {
        out.push_back({size, encode(picture, format)});
      }
    }
  } catch (const VError& e) {
    throw MediaError("corrupt_image", "The image data is damaged: " + reason(e));
  }
  return info;
}

Encoded render_image(std::string_view bytes, const RenderSpec& spec, const ImageLimits& limits) {
  open_header(bytes, limits);
  try {
    auto blob = borrow(bytes);
    auto* options = thumbnail_options(spec)->set("option_string", "fail=true");
    return encode(VImage::thumbnail_buffer(blob.get(), spec.width, options), spec.format);
  } catch (const VError& e) {
    throw MediaError("corrupt_image", "The image data is damaged: " + reason(e));
  }
}

Encoded render_rgb(const uint8_t* rgb, int width, int height, const RenderSpec& spec) {
  try {
    VImage frame = VImage::new_from_memory(const_cast<uint8_t*>(rgb), size_t(width) * height * 3,
                                           width, height, 3, VIPS_FORMAT_UCHAR);
    return encode(frame.thumbnail_image(spec.width, thumbnail_options(spec)), spec.format);
  } catch (const VError& e) {
    throw MediaError("encode_failed", "A frame could not be encoded: " + reason(e));
  }
}

std::vector<Swatch> rgb_palette(const uint8_t* rgb, int width, int height) {
  try {
    VImage frame = VImage::new_from_memory(const_cast<uint8_t*>(rgb), size_t(width) * height * 3,
                                           width, height, 3, VIPS_FORMAT_UCHAR);
    return palette_of(frame.thumbnail_image(64, VImage::option()->set("height", 64)));
  } catch (const VError& e) {
    throw MediaError("encode_failed", "A frame could not be read: " + reason(e));
  }
}

}  // namespace od::media
