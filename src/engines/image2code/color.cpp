#include "engines/image2code/color.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include <opencv2/imgproc.hpp>

#include "engines/image2code/median.h"

namespace od::image2code {

Rgb rgb_at(const cv::Mat& bgr, int x, int y) {
  const auto& p = bgr.at<cv::Vec3b>(y, x);
  return {p[2], p[1], p[0]};
}

int color_distance(const Rgb& a, const Rgb& b) {
  return std::max({std::abs(a.r - b.r), std::abs(a.g - b.g), std::abs(a.b - b.b)});
}

std::string hex(const Rgb& c) {
  char buffer[8];
  std::snprintf(buffer, sizeof buffer, "#%02x%02x%02x", std::clamp(c.r, 0, 255),
                std::clamp(c.g, 0, 255), std::clamp(c.b, 0, 255));
  return buffer;
}

double luminance(const Rgb& c) { return 0.299 * c.r + 0.587 * c.g + 0.114 * c.b; }

Dominant dominant_color(const cv::Mat& bgr, const cv::Rect& area_in, const cv::Mat& mask) {
  cv::Rect area = area_in & cv::Rect(0, 0, bgr.cols, bgr.rows);
  if (area.empty()) return {};
  if (!mask.empty() && area != area_in) return {};
  // 16 levels per channel: coarse enough to gather anti-aliased edges, fine enough to keep
  // neighbouring greys of a design apart.
  constexpr int kLevels = 16;
  std::vector<int> counts(kLevels * kLevels * kLevels, 0);
  std::vector<std::array<long, 3>> sums(counts.size(), {0, 0, 0});
  long total = static_cast<long>(area.width) * area.height;
  int step = std::max(1, static_cast<int>(std::sqrt(static_cast<double>(total) / 40000.0)));
  int sampled = 0;
  for (int y = area.y; y < area.y + area.height; y += step) {
    const auto* row = bgr.ptr<cv::Vec3b>(y);
    const uchar* allowed = mask.empty() ? nullptr : mask.ptr<uchar>(y - area.y);
    for (int x = area.x; x < area.x + area.width; x += step) {
      if (allowed && !allowed[x - area.x]) continue;
      const auto& p = row[x];
      int cell = (p[2] / 16) * kLevels * kLevels + (p[1] / 16) * kLevels + p[0] / 16;
      ++counts[cell];
      sums[cell][0] += p[2];
      sums[cell][1] += p[1];
      sums[cell][2] += p[0];
      ++sampled;
    }
  }
  auto best = std::max_element(counts.begin(), counts.end()) - counts.begin();
  int n = std::max(1, counts[best]);
  return {{static_cast<int>(sums[best][0] / n), static_cast<int>(sums[best][1] / n),
           static_cast<int>(sums[best][2] / n)},
          static_cast<double>(counts[best]) / std::max(1, sampled)};
}

Dominant page_background(const cv::Mat& bgr) {
  int depth = std::min({8, bgr.cols / 4, bgr.rows / 4});
  if (depth < 1) return dominant_color(bgr, cv::Rect(0, 0, bgr.cols, bgr.rows));
  cv::Mat frame(bgr.rows, bgr.cols, CV_8UC1, cv::Scalar(255));
  frame(cv::Rect(depth, depth, bgr.cols - 2 * depth, bgr.rows - 2 * depth)).setTo(0);
  Dominant edge = dominant_color(bgr, cv::Rect(0, 0, bgr.cols, bgr.rows), frame);
  Dominant whole = dominant_color(bgr, cv::Rect(0, 0, bgr.cols, bgr.rows));
  edge.share = whole.color == edge.color ? whole.share : edge.share;
  return edge;
}

Rgb ring_median(const cv::Mat& bgr, const cv::Rect& box) {
  std::vector<int> r, g, b;
  cv::Rect bounds(0, 0, bgr.cols, bgr.rows);
  auto take = [&](int x, int y) {
    if (!bounds.contains({x, y})) return;
    const auto& p = bgr.at<cv::Vec3b>(y, x);
    r.push_back(p[2]);
    g.push_back(p[1]);
    b.push_back(p[0]);
  };
  for (int x = box.x - 1; x <= box.x + box.width; ++x) {
    take(x, box.y - 1);
    take(x, box.y + box.height);
  }
  for (int y = box.y; y < box.y + box.height; ++y) {
    take(box.x - 1, y);
    take(box.x + box.width, y);
  }
  if (r.empty()) return {255, 255, 255};
  return {median(std::move(r)), median(std::move(g)), median(std::move(b))};
}

cv::Mat difference_mask(const cv::Mat& bgr, const cv::Rect& area, const Rgb& background,
                        int threshold) {
  cv::Mat diff;
  cv::absdiff(bgr(area), cv::Scalar(background.b, background.g, background.r), diff);
  std::vector<cv::Mat> channels;
  cv::split(diff, channels);
  cv::Mat most = cv::max(cv::max(channels[0], channels[1]), channels[2]);
  cv::Mat mask;
  cv::threshold(most, mask, threshold, 255, cv::THRESH_BINARY);
  return mask;
}

}  // namespace od::image2code
