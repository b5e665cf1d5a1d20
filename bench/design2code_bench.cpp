// Design-to-code compile time: parse + validate + generate HTML/CSS for synthetic documents of
// 100, 1,000 and 10,000 nodes (cards in auto-layout rows, free-form shapes, text, instances).
// Aim (issue 4): 10,000 nodes in under 100 ms. Run: build/bench_design2code_bench
#include <benchmark/benchmark.h>

#include <nlohmann/json.hpp>

#include "engines/design2code/document.h"
#include "engines/design2code/html_generator.h"

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

void BM_Design2CodeHtml(benchmark::State& state) {
  const std::string text = make_document(static_cast<int>(state.range(0))).dump();
  size_t bytes = 0;
  for (auto _ : state) {
    d2c::Document doc = d2c::parse_document_text(text);
    d2c::Files files = d2c::generate_html(doc);
    bytes = files["index.html"].size() + files["styles.css"].size();
    benchmark::DoNotOptimize(files);
  }
  state.counters["input_bytes"] = static_cast<double>(text.size());
  state.counters["output_bytes"] = static_cast<double>(bytes);
}
BENCHMARK(BM_Design2CodeHtml)->Arg(100)->Arg(1000)->Arg(10000)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
