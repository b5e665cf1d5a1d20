#include "engines/yjs/delete_set.h"

#include <algorithm>

#include "engines/yjs/error.h"

namespace od::yjs {

DeleteSet read_delete_set(Lib0Decoder& d) {
  DeleteSet ds;
  const std::uint64_t clients = d.read_var_uint();
  d.expect_items(clients, 2);
  for (std::uint64_t i = 0; i < clients; ++i) {
    const std::uint64_t client = d.read_var_uint();
    const std::uint64_t ranges = d.read_var_uint();
    d.expect_items(ranges, 2);
    auto& list = ds[client];
    for (std::uint64_t r = 0; r < ranges; ++r) {
      const std::uint64_t clock = d.read_var_uint();
      const std::uint64_t length = d.read_var_uint();
      if (clock + length > kMaxSafeInteger) throw DecodeError("delete range out of range");
      list.push_back({clock, length});
    }
  }
  return ds;
}

void write_delete_set(Lib0Encoder& e, const DeleteSet& ds) {
  e.write_var_uint(ds.size());
  for (const auto& [client, ranges] : ds) {
    e.write_var_uint(client);
    e.write_var_uint(ranges.size());
    for (const DeleteRange& r : ranges) {
      e.write_var_uint(r.clock);
      e.write_var_uint(r.length);
    }
  }
}

void add_delete_set(DeleteSet& into, const DeleteSet& from) {
  for (const auto& [client, ranges] : from) {
    auto& list = into[client];
    list.insert(list.end(), ranges.begin(), ranges.end());
  }
}

void normalize_delete_set(DeleteSet& ds) {
  for (auto it = ds.begin(); it != ds.end();) {
    auto& ranges = it->second;
    std::erase_if(ranges, [](const DeleteRange& r) { return r.length == 0; });
    std::sort(ranges.begin(), ranges.end(),
              [](const DeleteRange& a, const DeleteRange& b) { return a.clock < b.clock; });
    std::size_t out = 0;
    for (std::size_t i = 0; i < ranges.size(); ++i) {
      if (out > 0 && ranges[out - 1].clock + ranges[out - 1].length >= ranges[i].clock) {
        DeleteRange& last = ranges[out - 1];
        last.length =
            std::max(last.clock + last.length, ranges[i].clock + ranges[i].length) - last.clock;
      } else {
        ranges[out++] = ranges[i];
      }
    }
    ranges.resize(out);
    it = ranges.empty() ? ds.erase(it) : std::next(it);
  }
}

}  // namespace od::yjs
