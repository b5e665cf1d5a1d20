#include "core/metrics.h"

#include <atomic>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <shared_mutex>

namespace od::metrics {
namespace {

enum class Kind { Counter, Gauge, Histogram, Callback };

constexpr double kDefaultBuckets[] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                      0.1,    0.25,  0.5,    1,     2.5,  5,     10};
constexpr size_t kBucketCount = std::size(kDefaultBuckets);

struct Series {
  std::atomic<double> value{0};                          // counter or gauge
  std::atomic<uint64_t> buckets[kBucketCount + 1] = {};  // per bucket, not cumulative; last: +Inf
  std::atomic<double> sum{0};
  std::function<double()> read;
};

struct Family {
  Kind kind;
  std::map<Labels, std::unique_ptr<Series>> series;
};

struct Registry {
  std::shared_mutex mutex;
  std::map<std::string, Family> families;
  std::map<std::string, std::pair<std::string, std::string>> descriptions;  // name -> type, help
};

Registry& registry() {
  static Registry r;
  return r;
}

// Finds or creates a series. A name used with a different kind than its first use is a
// programming error; the update is dropped rather than corrupting the family.
Series* find_series(const std::string& name, const Labels& labels, Kind kind) {
  Registry& r = registry();
  {
    std::shared_lock lock(r.mutex);
    auto f = r.families.find(name);
    if (f != r.families.end()) {
      if (f->second.kind != kind) return nullptr;
      auto s = f->second.series.find(labels);
      if (s != f->second.series.end()) return s->second.get();
    }
  }
  std::unique_lock lock(r.mutex);
  auto [f, inserted] = r.families.try_emplace(name, Family{kind, {}});
  if (f->second.kind != kind) return nullptr;
  auto& slot = f->second.series[labels];
  if (!slot) slot = std::make_unique<Series>();
  return slot.get();
}

void atomic_add(std::atomic<double>& target, double delta) {
  double current = target.load(std::memory_order_relaxed);
  while (!target.compare_exchange_weak(current, current + delta, std::memory_order_relaxed)) {
  }
}

std::string format_value(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[64];
  if (v == std::floor(v) && std::fabs(v) < 1e15) {
    std::snprintf(buf, sizeof buf, "%.0f", v);
    return buf;
  }
  // The shortest text that reads back as the same double, so 0.0025 is not 0.0025000000000000001.
  for (int precision = 15; precision <= 17; ++precision) {
    std::snprintf(buf, sizeof buf, "%.*g", precision, v);
    if (std::strtod(buf, nullptr) == v) break;
  }
  return buf;
}

std::string escape_label(const std::string& value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '"')
      out += "\\\"";
    else if (c == '\n')
      out += "\\n";
    else
      out.push_back(c);
  }
  return out;
}

std::string escape_help(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '\n')
      out += "\\n";
    else
      out.push_back(c);
  }
  return out;
}

// `{a="1",b="2"}`, with an optional extra label (the histogram's `le`) last.
std::string label_text(const Labels& labels, const std::string& extra_name = {},
                       const std::string& extra_value = {}) {
  std::string out;
  for (const auto& [k, v] : labels) {
    out += out.empty() ? "{" : ",";
    out += k + "=\"" + escape_label(v) + "\"";
  }
  if (!extra_name.empty()) {
    out += out.empty() ? "{" : ",";
    out += extra_name + "=\"" + escape_label(extra_value) + "\"";
  }
  if (!out.empty()) out += "}";
  return out;
}

const char* type_name(Kind kind) {
  switch (kind) {
    case Kind::Counter:
      return "counter";
    case Kind::Gauge:
    case Kind::Callback:
      return "gauge";
    case Kind::Histogram:
      return "histogram";
  }
  return "untyped";
}

}  // namespace

void counter_add(const std::string& name, const Labels& labels, double value) {
  if (Series* s = find_series(name, labels, Kind::Counter)) atomic_add(s->value, value);
}

void gauge_set(const std::string& name, const Labels& labels, double value) {
  if (Series* s = find_series(name, labels, Kind::Gauge)) {
    s->value.store(value, std::memory_order_relaxed);
  }
}

void histogram_observe(const std::string& name, const Labels& labels, double value) {
  Series* s = find_series(name, labels, Kind::Histogram);
  if (!s) return;
  size_t i = 0;
  while (i < kBucketCount && value > kDefaultBuckets[i]) ++i;
  s->buckets[i].fetch_add(1, std::memory_order_relaxed);
  atomic_add(s->sum, value);
}

void gauge_callback(const std::string& name, const Labels& labels, std::function<double()> read) {
  Registry& r = registry();
  std::unique_lock lock(r.mutex);
  auto [f, inserted] = r.families.try_emplace(name, Family{Kind::Callback, {}});
  if (f->second.kind != Kind::Callback) return;
  auto& slot = f->second.series[labels];
  if (!slot) slot = std::make_unique<Series>();
  slot->read = std::move(read);
}

void describe(const std::string& name, const std::string& type, const std::string& help) {
  Registry& r = registry();
  std::unique_lock lock(r.mutex);
  r.descriptions[name] = {type, help};
}

std::string render_prometheus() {
  Registry& r = registry();
  std::shared_lock lock(r.mutex);
  std::string out;
  for (const auto& [name, family] : r.families) {
    std::string type = type_name(family.kind);
    auto d = r.descriptions.find(name);
    if (d != r.descriptions.end()) {
      if (!d->second.second.empty()) {
        out += "# HELP " + name + " " + escape_help(d->second.second) + "\n";
      }
      if (!d->second.first.empty()) type = d->second.first;
    }
    out += "# TYPE " + name + " " + type + "\n";
    for (const auto& [labels, s] : family.series) {
      switch (family.kind) {
        case Kind::Counter:
        case Kind::Gauge:
          out += name + label_text(labels) + " " + format_value(s->value.load()) + "\n";
          break;
        case Kind::Callback:
          out += name + label_text(labels) + " " + format_value(s->read ? s->read() : 0) + "\n";
          break;
        case Kind::Histogram: {
          uint64_t cumulative = 0;
          for (size_t i = 0; i <= kBucketCount; ++i) {
            cumulative += s->buckets[i].load(std::memory_order_relaxed);
            std::string le = i < kBucketCount ? format_value(kDefaultBuckets[i]) : "+Inf";
            out += name + "_bucket" + label_text(labels, "le", le) + " " +
                   std::to_string(cumulative) + "\n";
          }
          out += name + "_sum" + label_text(labels) + " " + format_value(s->sum.load()) + "\n";
          out += name + "_count" + label_text(labels) + " " + std::to_string(cumulative) + "\n";
          break;
        }
      }
    }
  }
  return out;
}

}  // namespace od::metrics
