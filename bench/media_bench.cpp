// Thumbnail throughput for 12-megapixel JPEGs (4000x3000), the figure issue 5 asks for. Prints
//   - in process: images/s for one 256px WebP thumbnail, and for the full processing set the
//     asset.process job makes (probe + palette + WebP and JPEG at 64, 256 and 1024), with the
//     peak RSS of this process;
//   - through the bounded child the server really uses (`opendesign media-probe`, when OD_BINARY
//     names the binary): images/s with 1 and 2 jobs at once, and the children's peak RSS.
//
//   build/bench_media_bench [images]
#include <sys/resource.h>
#include <unistd.h>

#include <atomic>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>
#include <vector>
#include <vips/vips8>

#include "media/image.h"
#include "media/worker.h"

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using od::media::Fit;
using od::media::Format;

// A photo-like 12 MP JPEG: smooth gradients with fine noise (pure noise would be unrealistically
// slow to decode, flat colour unrealistically fast).
std::string make_jpeg() {
  using vips::VImage;
  VImage x = VImage::xyz(4000, 3000);
  VImage r = (x.extract_band(0) * (255.0 / 4000)).cast(VIPS_FORMAT_UCHAR);
  VImage g = (x.extract_band(1) * (255.0 / 3000)).cast(VIPS_FORMAT_UCHAR);
  VImage noise = VImage::gaussnoise(4000, 3000, VImage::option()->set("sigma", 12));
  VImage b = (noise + 128).cast(VIPS_FORMAT_UCHAR);
  VImage rgb =
      r.bandjoin({g, b}).copy(VImage::option()->set("interpretation", VIPS_INTERPRETATION_sRGB));
  void* data = nullptr;
  size_t size = 0;
  rgb.write_to_buffer(".jpg[Q=90]", &data, &size);
  std::string out(static_cast<char*>(data), size);
  g_free(data);
  return out;
}

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

double peak_rss_mib(int who) {
  rusage usage{};
  getrusage(who, &usage);
  return usage.ru_maxrss / 1024.0;
}

void in_process(const std::string& jpeg, int images) {
  auto start = Clock::now();
  for (int i = 0; i < images; ++i) {
    od::media::render_image(jpeg, {256, 256, Fit::Fit, Format::Webp}, {});
  }
  double one = seconds_since(start);
  start = Clock::now();
  for (int i = 0; i < images; ++i) {
    std::vector<od::media::Thumbnail> thumbnails;
    od::media::thumbnail_set(jpeg, {64, 256, 1024}, {}, thumbnails);
  }
  double full = seconds_since(start);
  std::printf("in process, one 256px WebP thumbnail:      %6.2f images/s\n", images / one);
  std::printf("in process, full set (probe + 6 thumbs):   %6.2f images/s\n", images / full);
  std::printf("peak RSS of this process:                  %6.1f MiB\n", peak_rss_mib(RUSAGE_SELF));
}

void through_children(const std::string& binary, const std::string& jpeg, int images) {
  fs::path dir = fs::temp_directory_path() / ("od-media-bench-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  od::media::WorkerConfig config;
  config.executable = binary;
  config.temp_dir = dir.string();
  od::media::MediaWorker worker(config);
  for (int parallel : {1, 2}) {
    std::vector<std::thread> threads;
    std::atomic<int> failures = 0;
    auto start = Clock::now();
    for (int t = 0; t < parallel; ++t) {
      threads.emplace_back([&, t] {
        for (int i = t; i < images; i += parallel) {
          fs::path input = dir / ("in-" + std::to_string(i));
          std::ofstream(input, std::ios::binary) << jpeg;
          od::media::ProbeArgs args;
          args.kind = "image";
          args.thumbnail_sizes = {64, 256, 1024};
          if (!worker.run(input, args).ok) ++failures;
        }
      });
    }
    for (auto& thread : threads) thread.join();
    double elapsed = seconds_since(start);
    std::printf("bounded child, full set, %d at once:        %6.2f images/s%s\n", parallel,
                images / elapsed, failures ? " (with failures!)" : "");
  }
  std::printf("peak RSS of one child:                     %6.1f MiB\n",
              peak_rss_mib(RUSAGE_CHILDREN));
  fs::remove_all(dir);
}

}  // namespace

int main(int argc, char** argv) {
  int images = argc > 1 ? std::atoi(argv[1]) : 10;
  od::media::init_vips();
  std::string jpeg = make_jpeg();
  std::printf("12 MP JPEG (4000x3000, Q90): %.1f MiB, %d images per figure\n",
              jpeg.size() / 1048576.0, images);
  if (const char* binary = std::getenv("OD_BINARY")) through_children(binary, jpeg, images);
  in_process(jpeg, images);
  return 0;
}
