#include "media/palette.h"

#include <algorithm>
#include <array>
#include <cstdio>

namespace od::media {
namespace {

using Pixel = std::array<uint8_t, 3>;

struct Box {
  std::vector<Pixel>::iterator begin, end;

  size_t count() const { return static_cast<size_t>(end - begin); }
  // The channel with the widest spread and that spread.
  std::pair<int, int> widest() const {
    int best_channel = 0, best_range = -1;
    for (int c = 0; c < 3; ++c) {
      auto [lo, hi] =
          std::minmax_element(begin, end, [c](auto& a, auto& b) { return a[c] < b[c]; });
      int range = (*hi)[c] - (*lo)[c];
      if (range > best_range) best_range = range, best_channel = c;
    }
    return {best_channel, best_range};
  }
};

Swatch mean(const Box& box, size_t total) {
  uint64_t sum[3] = {0, 0, 0};
  for (auto it = box.begin; it != box.end; ++it) {
    for (int c = 0; c < 3; ++c) sum[c] += (*it)[c];
  }
  size_t n = box.count();
  Swatch s;
  s.r = static_cast<uint8_t>((sum[0] + n / 2) / n);
  s.g = static_cast<uint8_t>((sum[1] + n / 2) / n);
  s.b = static_cast<uint8_t>((sum[2] + n / 2) / n);
  s.share = static_cast<double>(n) / static_cast<double>(total);
  return s;
}

}  // namespace

std::string Swatch::hex() const {
  char out[8];
  std::snprintf(out, sizeof out, "#%02x%02x%02x", r, g, b);
  return out;
}

std::vector<Swatch> dominant_colours(const uint8_t* rgb, size_t pixels, int max_colours) {
  if (pixels == 0 || max_colours < 1) return {};
  std::vector<Pixel> all(pixels);
  for (size_t i = 0; i < pixels; ++i) all[i] = {rgb[3 * i], rgb[3 * i + 1], rgb[3 * i + 2]};
  std::vector<Box> boxes = {{all.begin(), all.end()}};
  while (static_cast<int>(boxes.size()) < max_colours) {
    // Split the box whose pixels spread most, weighted by how many they are, so a large area of
    // gradient is divided before a few outliers are.
    size_t pick = boxes.size();
    double best = 0;
    int channel = 0;
    for (size_t i = 0; i < boxes.size(); ++i) {
      if (boxes[i].count() < 2) continue;
      auto [c, range] = boxes[i].widest();
      double score = static_cast<double>(range) * static_cast<double>(boxes[i].count());
      if (range > 0 && score > best) best = score, pick = i, channel = c;
    }
    if (pick == boxes.size()) break;
    Box box = boxes[pick];
    auto less = [channel](const Pixel& a, const Pixel& b) { return a[channel] < b[channel]; };
    std::sort(box.begin, box.end, less);
    // Cut at the median, moved to a change of value so one colour never ends up in two boxes.
    const Pixel median = *(box.begin + static_cast<std::ptrdiff_t>(box.count() / 2));
    auto cut = std::lower_bound(box.begin, box.end, median, less);
    if (cut == box.begin) cut = std::upper_bound(box.begin, box.end, median, less);
    boxes[pick] = {box.begin, cut};
    boxes.push_back({cut, box.end});
  }
  std::vector<Swatch> out;
  for (const auto& box : boxes) out.push_back(mean(box, pixels));
  std::stable_sort(out.begin(), out.end(), [](auto& a, auto& b) { return a.share > b.share; });
  return out;
}

}  // namespace od::media
