// Process-wide metrics in the Prometheus text format: counters, gauges and histograms with
// labels. Cheap to update from any thread (atomics after the first lookup of a series).
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

namespace od::metrics {

using Labels = std::map<std::string, std::string>;

void counter_add(const std::string& name, const Labels& labels, double value = 1);
void gauge_set(const std::string& name, const Labels& labels, double value);
// Latency-style histogram; default buckets suit seconds (0.5 ms .. 10 s).
void histogram_observe(const std::string& name, const Labels& labels, double value);
// A gauge read at render time (pool sizes, queue depths, open connections).
void gauge_callback(const std::string& name, const Labels& labels, std::function<double()> read);
// Help text shown once per metric family.
void describe(const std::string& name, const std::string& type, const std::string& help);

std::string render_prometheus();

}  // namespace od::metrics
