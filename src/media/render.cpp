#include "media/render.h"

#include <string_view>

namespace od::media {

std::optional<std::pair<int, int>> parse_box(const std::string& text) {
  size_t x = text.find('x');
  if (x == std::string::npos) return std::nullopt;
  auto number = [](std::string_view digits) -> int {
    if (digits.empty() || digits.size() > 5) return 0;
    int n = 0;
    for (char c : digits) {
      if (c < '0' || c > '9') return 0;
      n = n * 10 + (c - '0');
    }
    return n <= 16383 ? n : 0;
  };
  int width = number(std::string_view(text).substr(0, x));
  int height = number(std::string_view(text).substr(x + 1));
  if (width < 1 || height < 1) return std::nullopt;
  return std::make_pair(width, height);
}

std::optional<Fit> parse_fit(const std::string& name) {
  if (name == "fit") return Fit::Fit;
  if (name == "fill") return Fit::Fill;
  if (name == "crop") return Fit::Crop;
  return std::nullopt;
}

std::string fit_name(Fit fit) {
  switch (fit) {
    case Fit::Fit:
      return "fit";
    case Fit::Fill:
      return "fill";
    case Fit::Crop:
      return "crop";
  }
  return "fit";
}

std::string format_extension(Format format) {
  switch (format) {
    case Format::Webp:
      return "webp";
    case Format::Jpeg:
      return "jpeg";
    case Format::Png:
      return "png";
  }
  return "webp";
}

std::string format_content_type(Format format) { return "image/" + format_extension(format); }

std::optional<Format> format_from_extension(const std::string& extension) {
  if (extension == "webp") return Format::Webp;
  if (extension == "jpeg") return Format::Jpeg;
  if (extension == "png") return Format::Png;
  return std::nullopt;
}

}  // namespace od::media
