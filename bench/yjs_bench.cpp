// Google Benchmark of the Yjs engine's doc-less operations (src/engines/yjs/update_ops.h), the
// work a collaboration server does per message or per compaction: merging many small updates,
// the state vector of a large update, and the diff of a large update against a state vector.
// Updates are typing-like: each holds one short string item continuing its client's text.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "engines/yjs/lib0_encoder.h"
#include "engines/yjs/update_ops.h"

namespace {

using od::yjs::Bytes;
using od::yjs::BytesView;

// One update with one 5-character string item of `client` at `clock`, appended after the
// client's previous item (or at the start of root text "t").
Bytes typing_update(std::uint64_t client, std::uint64_t clock) {
  od::yjs::Lib0Encoder e;
  e.write_var_uint(1);  // one client section
  e.write_var_uint(1);  // one struct
  e.write_var_uint(client);
  e.write_var_uint(clock);
  if (clock == 0) {
    e.write_uint8(4);  // string content, parent info follows
    e.write_var_uint(1);
    e.write_var_string("t");
  } else {
    e.write_uint8(0x80 | 4);  // string content after an origin
    e.write_var_uint(client);
    e.write_var_uint(clock - 1);
  }
  e.write_var_string("hello");
  e.write_var_uint(0);  // empty delete set
  return e.take();
}

// `count` typing updates from `clients` clients, interleaved.
std::vector<Bytes> typing_history(std::size_t count, std::uint64_t clients) {
  std::vector<Bytes> updates;
  std::vector<std::uint64_t> clocks(clients, 0);
  for (std::size_t i = 0; i < count; ++i) {
    const std::uint64_t c = i % clients;
    updates.push_back(typing_update(1000 + c, clocks[c]));
    clocks[c] += 5;
  }
  return updates;
}

Bytes merged(const std::vector<Bytes>& updates) {
  std::vector<BytesView> views(updates.begin(), updates.end());
  return od::yjs::merge_updates(views);
}

// About 1 MB: ~85,000 items from 16 clients.
const Bytes& large_update() {
  static const Bytes update = merged(typing_history(85000, 16));
  return update;
}

void BM_Merge1000SmallUpdates(benchmark::State& state) {
  const auto updates = typing_history(1000, 8);
  std::vector<BytesView> views(updates.begin(), updates.end());
  for (auto _ : state) benchmark::DoNotOptimize(od::yjs::merge_updates(views));
  state.SetItemsProcessed(state.iterations() * 1000);
}
BENCHMARK(BM_Merge1000SmallUpdates)->Unit(benchmark::kMicrosecond);

void BM_StateVectorOf1MBUpdate(benchmark::State& state) {
  const Bytes& update = large_update();
  for (auto _ : state) benchmark::DoNotOptimize(od::yjs::state_vector_from_update(update));
  state.SetBytesProcessed(state.iterations() * update.size());
  state.counters["update_bytes"] = static_cast<double>(update.size());
}
BENCHMARK(BM_StateVectorOf1MBUpdate)->Unit(benchmark::kMillisecond);

void BM_Diff1MBUpdateAgainstHalfStateVector(benchmark::State& state) {
  const Bytes& update = large_update();
  od::yjs::StateVector sv = od::yjs::state_vector_from_update(update);
  for (auto& [client, clock] : sv) clock = clock / 2 + 1;  // inside an item: forces a slice
  for (auto _ : state) benchmark::DoNotOptimize(od::yjs::diff_update(update, sv));
  state.SetBytesProcessed(state.iterations() * update.size());
}
BENCHMARK(BM_Diff1MBUpdateAgainstHalfStateVector)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
