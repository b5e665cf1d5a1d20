#include "media/probe_command.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <new>
#include <nlohmann/json.hpp>

#include "media/bounded_process.h"
#include "media/image.h"
#include "media/video.h"

namespace od::media {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::string read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw MediaError("unreadable_input", "The file to process cannot be opened.");
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

class Output {
 public:
  explicit Output(std::string dir) : dir_(std::move(dir)) {}

  void add(const std::string& role, const std::string& name, const Encoded& encoded) {
    std::ofstream out(fs::path(dir_) / name, std::ios::binary | std::ios::trunc);
    out.write(encoded.bytes.data(), static_cast<std::streamsize>(encoded.bytes.size()));
    if (!out.flush()) throw std::runtime_error("cannot write " + name);
    derivatives_.push_back({{"name", name},
                            {"role", role},
                            {"contentType", format_content_type(encoded.format)},
                            {"width", encoded.width},
                            {"height", encoded.height}});
  }

  void finish(json result) {
    result["derivatives"] = derivatives_;
    write(result);
  }

  void write(const json& result) {
    std::ofstream out(fs::path(dir_) / "result.json", std::ios::trunc);
    out << result.dump();
    if (!out.flush()) throw std::runtime_error("cannot write result.json");
  }

 private:
  std::string dir_;
  json derivatives_ = json::array();
};

json palette_json(const std::vector<Swatch>& palette) {
  json out = json::array();
  for (const auto& s : palette) {
    out.push_back({{"hex", s.hex()}, {"share", std::round(s.share * 1000) / 1000}});
  }
  return out;
}

void process_image(const ProbeArgs& args, Output& out) {
  std::string bytes = read_all(args.input);
  ImageLimits limits{args.max_pixels};
  if (args.render) {
    out.add("variant", "variant." + format_extension(args.render->format),
            render_image(bytes, *args.render, limits));
    out.finish({{"kind", "image"}});
    return;
  }
  std::vector<Thumbnail> thumbnails;
  ImageInfo info = thumbnail_set(bytes, args.thumbnail_sizes, limits, thumbnails);
  for (const auto& t : thumbnails) {
    out.add("thumbnail",
            "thumb-" + std::to_string(t.size) + "." + format_extension(t.encoded.format),
            t.encoded);
  }
  out.finish({{"kind", "image"},
              {"width", info.width},
              {"height", info.height},
              {"format", info.format},
              {"colourSpace", info.colour_space},
              {"bands", info.bands},
              {"hasAlpha", info.has_alpha},
              {"orientation", info.orientation},
              {"pages", info.pages},
              {"palette", palette_json(info.palette)}});
}

// The keyframes side by side on one row, each scaled to the same height.
Frame strip_of(const std::vector<Frame>& frames) {
  Frame strip;
  for (const auto& f : frames) strip.height = std::max(strip.height, f.height);
  for (const auto& f : frames) strip.width += f.width;
  strip.rgb.assign(size_t(strip.width) * strip.height * 3, 0);
  int x = 0;
  for (const auto& f : frames) {
    for (int y = 0; y < f.height; ++y) {
      std::copy_n(f.rgb.data() + size_t(y) * f.width * 3, size_t(f.width) * 3,
                  strip.rgb.data() + (size_t(y) * strip.width + x) * 3);
    }
    x += f.width;
  }
  return strip;
}

void process_video(const ProbeArgs& args, Output& out) {
  VideoLimits limits;
  limits.max_pixels = std::min<int64_t>(args.max_pixels, limits.max_pixels);
  VideoProbe video = probe_video(args.input, limits);
  const Frame& poster = video.poster;
  for (Format format : {Format::Jpeg, Format::Webp}) {
    out.add("poster", "poster." + format_extension(format),
            render_rgb(poster.rgb.data(), poster.width, poster.height,
                       {poster.width, poster.height, Fit::Fit, format}));
  }
  for (int size : args.thumbnail_sizes) {
    for (Format format : {Format::Webp, Format::Jpeg}) {
      out.add("thumbnail", "thumb-" + std::to_string(size) + "." + format_extension(format),
              render_rgb(poster.rgb.data(), poster.width, poster.height,
                         {size, size, Fit::Fit, format}));
    }
  }
  json keyframes = json::array();
  for (const auto& f : video.keyframes)
    keyframes.push_back({{"at", std::round(f.at * 1000) / 1000}});
  if (!video.keyframes.empty()) {
    Frame strip = strip_of(video.keyframes);
    for (Format format : {Format::Jpeg, Format::Webp}) {
      out.add("strip", "strip." + format_extension(format),
              render_rgb(strip.rgb.data(), strip.width, strip.height,
                         {strip.width, strip.height, Fit::Fit, format}));
    }
  }
  out.finish(
      {{"kind", "video"},
       {"width", video.width},
       {"height", video.height},
       {"duration", std::round(video.duration * 1000) / 1000},
       {"fps", std::round(video.fps * 1000) / 1000},
       {"codec", video.codec},
       {"container", video.container},
       {"hasAudio", video.has_audio},
       {"posterAt", std::round(poster.at * 1000) / 1000},
       {"keyframes", keyframes},
       {"palette", palette_json(rgb_palette(poster.rgb.data(), poster.width, poster.height))}});
}

}  // namespace

std::vector<std::string> probe_arguments(const ProbeArgs& args) {
  std::vector<std::string> out = {"media-probe",
                                  "--input",
                                  args.input,
                                  "--output-dir",
                                  args.output_dir,
                                  "--kind",
                                  args.kind,
                                  "--max-pixels",
                                  std::to_string(args.max_pixels),
                                  "--memory-mb",
                                  std::to_string(args.memory_mb),
                                  "--cpu-seconds",
                                  std::to_string(args.cpu_seconds),
                                  "--parent-pid",
                                  std::to_string(args.parent_pid)};
  std::string sizes;
  for (int size : args.thumbnail_sizes) sizes += (sizes.empty() ? "" : ",") + std::to_string(size);
  if (!sizes.empty()) out.insert(out.end(), {"--sizes", sizes});
  if (args.render) {
    out.insert(
        out.end(),
        {"--render", std::to_string(args.render->width) + "x" + std::to_string(args.render->height),
         "--fit", fit_name(args.render->fit), "--format", format_extension(args.render->format)});
  }
  return out;
}

int run_media_probe(const ProbeArgs& args) {
  if (!die_with_parent(args.parent_pid)) return 6;
  // Limits first: nothing below is trusted to stay small on hostile input.
  limit_this_process(args.memory_mb, args.cpu_seconds);
  Output out(args.output_dir);
  try {
    try {
      init_vips();
      if (args.kind == "image") {
        process_image(args, out);
      } else if (args.kind == "video") {
        process_video(args, out);
      } else {
        throw MediaError("unsupported_kind", "Only images and videos are processed.");
      }
      return 0;
    } catch (const MediaError& e) {
      out.write({{"error", {{"code", e.code()}, {"message", e.what()}}}});
    } catch (const std::bad_alloc&) {
      out.write({{"error",
                  {{"code", "media_too_large"},
                   {"message", "Decoding the file needed more memory than is allowed."}}}});
    }
    return 3;
  } catch (const std::exception& e) {
    return 4;
  }
}

}  // namespace od::media
