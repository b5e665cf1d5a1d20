#include "core/metrics.h"

#include <gtest/gtest.h>

namespace od::metrics {
namespace {

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// The registry is process-wide: each test run gets fresh metric names (--gtest_repeat).
std::string fresh(const std::string& name) {
  static int run = 0;
  return name + "_" + std::to_string(++run);
}

TEST(Metrics, CountersAddPerLabelSet) {
  const std::string n = fresh("t_requests_total");
  describe(n, "counter", "Requests served.");
  counter_add(n, {{"route", "/a"}});
  counter_add(n, {{"route", "/a"}}, 2);
  counter_add(n, {{"route", "/b"}});
  std::string text = render_prometheus();
  EXPECT_TRUE(contains(text, "# HELP " + n + " Requests served.\n"));
  EXPECT_TRUE(contains(text, "# TYPE " + n + " counter\n"));
  EXPECT_TRUE(contains(text, n + "{route=\"/a\"} 3\n"));
  EXPECT_TRUE(contains(text, n + "{route=\"/b\"} 1\n"));
}

TEST(Metrics, LabelValuesAreEscaped) {
  const std::string n = fresh("t_escaped");
  gauge_set(n, {{"v", "a\"b\\c\nd"}}, 1.5);
  EXPECT_TRUE(contains(render_prometheus(), n + "{v=\"a\\\"b\\\\c\\nd\"} 1.5\n"));
}

TEST(Metrics, HistogramBucketsAreCumulative) {
  const std::string n = fresh("t_latency_seconds");
  histogram_observe(n, {{"route", "/x"}}, 0.002);
  histogram_observe(n, {{"route", "/x"}}, 0.3);
  histogram_observe(n, {{"route", "/x"}}, 100);
  std::string text = render_prometheus();
  EXPECT_TRUE(contains(text, "# TYPE " + n + " histogram\n"));
  EXPECT_TRUE(contains(text, n + "_bucket{route=\"/x\",le=\"0.001\"} 0\n"));
  EXPECT_TRUE(contains(text, n + "_bucket{route=\"/x\",le=\"0.0025\"} 1\n"));
  EXPECT_TRUE(contains(text, n + "_bucket{route=\"/x\",le=\"0.5\"} 2\n"));
  EXPECT_TRUE(contains(text, n + "_bucket{route=\"/x\",le=\"10\"} 2\n"));
  EXPECT_TRUE(contains(text, n + "_bucket{route=\"/x\",le=\"+Inf\"} 3\n"));
  EXPECT_TRUE(contains(text, n + "_sum{route=\"/x\"} 100.302"));
  EXPECT_TRUE(contains(text, n + "_count{route=\"/x\"} 3\n"));
}

TEST(Metrics, GaugeCallbacksAreReadAtRenderTime) {
  const std::string n = fresh("t_queue_depth");
  double depth = 4;
  gauge_callback(n, {}, [&depth] { return depth; });
  EXPECT_TRUE(contains(render_prometheus(), n + " 4\n"));
  depth = 7;
  EXPECT_TRUE(contains(render_prometheus(), n + " 7\n"));
  gauge_callback(n, {}, [] { return 0.0; });  // later owners replace the reader
}

}  // namespace
}  // namespace od::metrics
