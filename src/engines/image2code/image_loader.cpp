#include "engines/image2code/image_loader.h"

#include <cstdint>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <vector>

namespace od::image2code {
namespace {

uint32_t be32(std::string_view b, size_t at) {
  return (uint32_t(uint8_t(b[at])) << 24) | (uint32_t(uint8_t(b[at + 1])) << 16) |
         (uint32_t(uint8_t(b[at + 2])) << 8) | uint32_t(uint8_t(b[at + 3]));
}
uint32_t be16(std::string_view b, size_t at) {
  return (uint32_t(uint8_t(b[at])) << 8) | uint32_t(uint8_t(b[at + 1]));
}
uint32_t le16(std::string_view b, size_t at) {
  return uint32_t(uint8_t(b[at])) | (uint32_t(uint8_t(b[at + 1])) << 8);
}
uint32_t le24(std::string_view b, size_t at) {
  return le16(b, at) | (uint32_t(uint8_t(b[at + 2])) << 16);
}

[[noreturn]] void cut_short(const char* format) {
  throw ImageError(std::string("the ") + format + " header is cut short or corrupt");
}

ImageHeader png_header(std::string_view b) {
  if (b.size() < 24 || b.substr(12, 4) != "IHDR") cut_short("PNG");
  return {"png", static_cast<int>(std::min<uint32_t>(be32(b, 16), INT32_MAX)),
          static_cast<int>(std::min<uint32_t>(be32(b, 20), INT32_MAX))};
}

// Walks the marker segments up to the first start-of-frame, which holds the size.
ImageHeader jpeg_header(std::string_view b) {
  size_t at = 2;
  while (at + 4 <= b.size()) {
    if (uint8_t(b[at]) != 0xFF) cut_short("JPEG");
    uint8_t marker = uint8_t(b[at + 1]);
    if (marker == 0xFF) {  // fill byte
      ++at;
      continue;
    }
    if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {  // no length field
      at += 2;
      continue;
    }
    uint32_t length = be16(b, at + 2);
    if (length < 2) cut_short("JPEG");
    bool start_of_frame =
        marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
    if (start_of_frame) {
      if (at + 9 > b.size()) cut_short("JPEG");
      return {"jpeg", static_cast<int>(be16(b, at + 7)), static_cast<int>(be16(b, at + 5))};
    }
    at += 2 + length;
  }
  cut_short("JPEG");
}

ImageHeader webp_header(std::string_view b) {
  if (b.size() < 30) cut_short("WebP");
  std::string_view chunk = b.substr(12, 4);
  if (chunk == "VP8X") return {"webp", int(le24(b, 24)) + 1, int(le24(b, 27)) + 1};
  if (chunk == "VP8L") {
    if (uint8_t(b[20]) != 0x2F) cut_short("WebP");
    uint32_t bits = uint32_t(uint8_t(b[21])) | (uint32_t(uint8_t(b[22])) << 8) |
                    (uint32_t(uint8_t(b[23])) << 16) | (uint32_t(uint8_t(b[24])) << 24);
    return {"webp", int(bits & 0x3FFF) + 1, int((bits >> 14) & 0x3FFF) + 1};
  }
  if (chunk == "VP8 ") {
    if (uint8_t(b[23]) != 0x9D || uint8_t(b[24]) != 0x01 || uint8_t(b[25]) != 0x2A)
      cut_short("WebP");
    return {"webp", int(le16(b, 26) & 0x3FFF), int(le16(b, 28) & 0x3FFF)};
  }
  cut_short("WebP");
}

}  // namespace

ImageHeader read_header(std::string_view b, const LoadLimits& limits) {
  if (b.empty()) throw ImageError("the file is empty");
  if (b.size() > limits.max_bytes) {
    throw ImageError("the file is larger than " + std::to_string(limits.max_bytes >> 20) + " MiB");
  }
  ImageHeader h;
  if (b.size() >= 8 && b.substr(0, 8) == std::string_view("\x89PNG\r\n\x1a\n", 8)) {
    h = png_header(b);
  } else if (b.size() >= 3 && uint8_t(b[0]) == 0xFF && uint8_t(b[1]) == 0xD8) {
    h = jpeg_header(b);
  } else if (b.size() >= 12 && b.substr(0, 4) == "RIFF" && b.substr(8, 4) == "WEBP") {
    h = webp_header(b);
  } else {
    throw ImageError("not a PNG, JPEG or WebP picture");
  }
  if (h.width <= 0 || h.height <= 0) throw ImageError("the picture has no pixels");
  if (h.width > limits.max_width || h.height > limits.max_height) {
    throw ImageError("the picture is " + std::to_string(h.width) + " x " +
                     std::to_string(h.height) + " px; at most " + std::to_string(limits.max_width) +
                     " x " + std::to_string(limits.max_height) + " px are accepted");
  }
  if (static_cast<long>(h.width) * h.height > limits.max_pixels) {
    throw ImageError("the picture has " + std::to_string(long(h.width) * h.height) +
                     " pixels; at most " + std::to_string(limits.max_pixels) + " are accepted");
  }
  return h;
}

cv::Mat load_image(std::string_view bytes, const LoadLimits& limits) {
  ImageHeader header = read_header(bytes, limits);
  cv::Mat decoded;
  try {
    // imdecode wants a Mat over the bytes; it only reads them.
    cv::Mat raw(1, static_cast<int>(bytes.size()), CV_8UC1, const_cast<char*>(bytes.data()));
    decoded = cv::imdecode(raw, cv::IMREAD_UNCHANGED);
  } catch (const cv::Exception&) {
    decoded.release();
  }
  if (decoded.empty()) {
    throw ImageError("the " + header.format + " picture is truncated or corrupt");
  }
  if (decoded.cols != header.width || decoded.rows != header.height) {
    throw ImageError("the " + header.format + " picture's size does not match its header");
  }
  if (decoded.depth() == CV_16U) decoded.convertTo(decoded, CV_8U, 1.0 / 257);
  if (decoded.depth() != CV_8U) throw ImageError("unsupported pixel format");
  cv::Mat bgr;
  switch (decoded.channels()) {
    case 1:
      cv::cvtColor(decoded, bgr, cv::COLOR_GRAY2BGR);
      break;
    case 3:
      bgr = decoded;
      break;
    case 4: {
      // Over white, the way a browser shows a transparent screenshot on a blank page.
      bgr.create(decoded.size(), CV_8UC3);
      for (int y = 0; y < decoded.rows; ++y) {
        const auto* in = decoded.ptr<cv::Vec4b>(y);
        auto* out = bgr.ptr<cv::Vec3b>(y);
        for (int x = 0; x < decoded.cols; ++x) {
          int a = in[x][3];
          for (int c = 0; c < 3; ++c) out[x][c] = uint8_t((in[x][c] * a + 255 * (255 - a)) / 255);
        }
      }
      break;
    }
    default:
      throw ImageError("unsupported number of colour channels");
  }
  return bgr;
}

}  // namespace od::image2code
