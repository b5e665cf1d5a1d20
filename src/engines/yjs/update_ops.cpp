#include "engines/yjs/update_ops.h"

#include <algorithm>
#include <functional>
#include <map>

#include "engines/yjs/error.h"
#include "engines/yjs/update.h"

namespace od::yjs {
namespace {

using StructsByClient = std::map<std::uint64_t, std::vector<StructRef>, std::greater<>>;

// Reads every struct except Skips (which only mark gaps, and gaps are re-derived from clocks)
// into `by_client`; returns the update's delete set.
DeleteSet collect(BytesView update, StructsByClient& by_client) {
  StructReader reader(update);
  StructRef s;
  while (reader.next(s)) {
    if (s.kind != StructRef::Kind::kSkip) by_client[s.id.client].push_back(s);
  }
  return reader.read_delete_set();
}

// Writes one client's structs (in input order) from clock `from` on as a single section:
// overlaps (the same struct from several updates) are written once, slicing where a struct starts
// inside what is already written; gaps become Skips; adjacent GCs coalesce.
void write_client(StructWriter& w, std::uint64_t client, std::vector<StructRef>& structs,
                  std::uint64_t from) {
  // Stable, so for equal clocks the earlier input wins, as in Yjs. That matters: updates can
  // disagree about the content of one id (Yjs replaces a surrogate pair split by a later edit
  // with U+FFFD in the document, so a later snapshot differs from the original insert).
  std::stable_sort(structs.begin(), structs.end(),
                   [](const StructRef& a, const StructRef& b) { return a.id.clock < b.id.clock; });
  bool started = false;
  std::uint64_t end = from;     // first clock not written yet
  std::uint64_t gc_length = 0;  // a GC run waiting to be written, ending at `end`
  auto flush_gc = [&] {
    if (gc_length > 0) w.write_gc(gc_length);
    gc_length = 0;
  };
  for (const StructRef& s : structs) {
    if (s.end_clock() <= end) continue;
    std::uint64_t offset = 0;
    if (!started) {
      offset = s.id.clock < end ? end - s.id.clock : 0;
      w.begin_section(client, s.id.clock + offset);
      started = true;
    } else if (s.id.clock > end) {
      flush_gc();
      w.write_skip(s.id.clock - end);
    } else {
      offset = end - s.id.clock;
    }
    if (s.kind == StructRef::Kind::kGC) {
      gc_length += s.length - offset;
    } else {
      flush_gc();
      w.write(s, offset);
    }
    end = s.end_clock();
  }
  flush_gc();
}

}  // namespace

void validate_update(BytesView update) {
  StructReader reader(update);
  StructRef s;
  while (reader.next(s)) {
  }
  reader.read_delete_set();
}

StateVector state_vector_from_update(BytesView update) {
  // Runs of consecutive non-Skip structs per client, [start, end), merged while streaming so a
  // large update costs memory per section, not per struct.
  std::map<std::uint64_t, std::vector<std::pair<std::uint64_t, std::uint64_t>>> runs;
  StructReader reader(update);
  StructRef s;
  while (reader.next(s)) {
    if (s.kind == StructRef::Kind::kSkip) continue;
    auto& list = runs[s.id.client];
    if (!list.empty() && list.back().second == s.id.clock) {
      list.back().second = s.end_clock();
    } else {
      list.emplace_back(s.id.clock, s.end_clock());
    }
  }
  reader.read_delete_set();
  StateVector sv;
  for (auto& [client, list] : runs) {
    std::sort(list.begin(), list.end());
    std::uint64_t end = 0;
    for (const auto& [start, stop] : list) {
      if (start > end) break;
      end = std::max(end, stop);
    }
    if (end > 0) sv[client] = end;
  }
  return sv;
}

Bytes encode_state_vector_from_update(BytesView update) {
  return encode_state_vector(state_vector_from_update(update));
}

Bytes merge_updates(std::span<const BytesView> updates) {
  if (updates.size() == 1) {
    validate_update(updates[0]);
    return Bytes(updates[0].begin(), updates[0].end());
  }
  StructsByClient by_client;
  DeleteSet ds;
  for (BytesView update : updates) add_delete_set(ds, collect(update, by_client));
  normalize_delete_set(ds);
  StructWriter w;
  for (auto& [client, structs] : by_client) write_client(w, client, structs, 0);
  return w.finish(ds);
}

Bytes diff_update(BytesView update, const StateVector& sv) {
  StructsByClient by_client;
  DeleteSet ds = collect(update, by_client);
  normalize_delete_set(ds);
  StructWriter w;
  for (auto& [client, structs] : by_client) {
    const auto known = sv.find(client);
    write_client(w, client, structs, known == sv.end() ? 0 : known->second);
  }
  return w.finish(ds);
}

Bytes diff_update(BytesView update, BytesView encoded_state_vector) {
  return diff_update(update, decode_state_vector(encoded_state_vector));
}

}  // namespace od::yjs
