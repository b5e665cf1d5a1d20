// Design-to-code compile time and peak memory: parse + validate + generate each target (HTML/CSS,
// React, Vue) for synthetic documents of 100, 1,000 and 10,000 nodes (cards in auto-layout rows,
// free-form shapes, text, instances). Aim (issue 4): 10,000 nodes in under 100 ms, memory linear
// in size. Run: build/bench_design2code_bench
#include <benchmark/benchmark.h>
#include <malloc.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <new>
#include <nlohmann/json.hpp>

#include "engines/design2code/document.h"
#include "engines/design2code/framework_project.h"
#include "engines/design2code/html_generator.h"

// Heap accounting for the peak-memory counter: every operator new/delete of this process goes
// through these, which (only while `tracking`, so the timed runs pay nothing) track the bytes
// allocated since tracking began and the most of them live at once.
namespace {
std::atomic<bool> tracking{false};
std::atomic<ptrdiff_t> live_bytes{0};
std::atomic<ptrdiff_t> peak_bytes{0};

void* counted_alloc(size_t size) {
  void* p = std::malloc(size ? size : 1);
  if (!p) throw std::bad_alloc();
  if (!tracking.load(std::memory_order_relaxed)) return p;
  auto size_now = static_cast<ptrdiff_t>(malloc_usable_size(p));
  ptrdiff_t now = live_bytes.fetch_add(size_now) + size_now;
  ptrdiff_t peak = peak_bytes.load();
  while (now > peak && !peak_bytes.compare_exchange_weak(peak, now)) {
  }
  return p;
}

void counted_free(void* p) {
  if (!p) return;
  // Blocks allocated before tracking began count negative: fine for a peak above the start.
  if (tracking.load(std::memory_order_relaxed)) {
    live_bytes.fetch_sub(static_cast<ptrdiff_t>(malloc_usable_size(p)));
  }
  std::free(p);
}
}  // namespace

void* operator new(size_t size) { return counted_alloc(size); }
void* operator new[](size_t size) { return counted_alloc(size); }
void operator delete(void* p) noexcept { counted_free(p); }
void operator delete[](void* p) noexcept { counted_free(p); }
void operator delete(void* p, size_t) noexcept { counted_free(p); }
void operator delete[](void* p, size_t) noexcept { counted_free(p); }

namespace {

using nlohmann::json;
namespace d2c = od::design2code;

// A page of cards: each card is an auto-layout column of a title, a body text, an image-filled
// rectangle and an instance of a shared button component: 5 nodes per card plus rows.
json make_document(int nodes) {
  json component = {{"id", "btn"},      {"type", "component"},
                    {"name", "Button"}, {"width", 120},
                    {"height", 40},     {"fills", {{{"type", "solid"}, {"color", "#4f46e5"}}}},
                    {"cornerRadius", 8}};
  json rows = json::array();
  int count = 0, card_index = 0;
  while (count < nodes) {
    json cards = json::array();
    for (int c = 0; c < 10 && count < nodes; ++c, ++card_index) {
      std::string id = std::to_string(card_index);
      json card = {{"id", "card" + id},
                   {"type", "frame"},
                   {"name", "Card " + id},
                   {"width", 200},
                   {"height", 260},
                   {"layout", {{"direction", "column"}, {"gap", 8}, {"padding", 12}}},
                   {"fills", {{{"type", "solid"}, {"color", "#ffffff"}}}},
                   {"effects", {{{"type", "drop-shadow"}, {"y", 2}, {"radius", 6}}}},
                   {"children",
                    {{{"id", "t" + id},
                      {"type", "text"},
                      {"name", "Title"},
                      {"width", 176},
                      {"height", 24},
                      {"text",
                       {{"characters", "Card title " + id},
                        {"style", {{"fontFamily", "Inter"}, {"fontSize", 20}}}}}},
                     {{"id", "b" + id},
                      {"type", "text"},
                      {"name", "Body"},
                      {"width", 176},
                      {"height", 60},
                      {"text",
                       {{"characters", "Some body copy for the card."},
                        {"style", {{"fontFamily", "Inter"}, {"fontSize", 14}}}}}},
                     {{"id", "i" + id},
                      {"type", "rectangle"},
                      {"name", "Picture"},
                      {"width", 176},
                      {"height", 80},
                      {"fills", {{{"type", "image"}, {"assetId", "img" + id}}}}},
                     {{"id", "c" + id},
                      {"type", "instance"},
                      {"componentId", "btn"},
                      {"width", 120},
                      {"height", 40}}}}};
      cards.push_back(card);
      count += 5;
    }
    rows.push_back({{"id", "row" + std::to_string(rows.size())},
                    {"type", "frame"},
                    {"name", "Row"},
                    {"width", 2200},
                    {"height", 280},
                    {"layout", {{"direction", "row"}, {"gap", 16}}},
                    {"children", cards}});
    ++count;
  }
  json page = {{"id", "page"},
               {"type", "frame"},
               {"name", "Page"},
               {"width", 2240},
               {"height", 300.0 * rows.size()},
               {"layout", {{"direction", "column"}}},
               {"children", rows}};
  return {{"version", 1}, {"name", "Bench"}, {"children", {component, page}}};
}

enum Target { kHtml, kReact, kVue };

d2c::Files compile(const std::string& text, Target target) {
  d2c::Document doc = d2c::parse_document_text(text);
  switch (target) {
    case kReact:
      return d2c::generate_react(doc);
    case kVue:
      return d2c::generate_vue(doc);
    default:
      return d2c::generate_html(doc);
  }
}

// range(0): nodes; range(1): target. Counters: input and output size, and the peak heap the
// compile allocates at once at most (measured on one extra run, outside the timing).
void BM_Design2Code(benchmark::State& state) {
  const std::string text = make_document(static_cast<int>(state.range(0))).dump();
  const auto target = static_cast<Target>(state.range(1));
  size_t bytes = 0;
  for (auto _ : state) {
    d2c::Files files = compile(text, target);
    benchmark::DoNotOptimize(files);
  }
  live_bytes.store(0);
  peak_bytes.store(0);
  tracking.store(true);
  {
    d2c::Files files = compile(text, target);
    for (const auto& [name, content] : files) bytes += content.size();
  }
  tracking.store(false);
  double peak = static_cast<double>(peak_bytes.load());
  state.SetLabel(target == kHtml ? "html" : target == kReact ? "react" : "vue");
  state.counters["input_bytes"] = static_cast<double>(text.size());
  state.counters["output_bytes"] = static_cast<double>(bytes);
  state.counters["peak_heap_MiB"] = peak / (1 << 20);
  state.counters["peak_heap_per_node_KiB"] = peak / 1024 / static_cast<double>(state.range(0));
}
BENCHMARK(BM_Design2Code)
    ->ArgsProduct({{100, 1000, 10000}, {kHtml, kReact, kVue}})
    ->ArgNames({"nodes", "target"})
    ->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
