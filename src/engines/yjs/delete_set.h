// The delete set at the end of every Yjs v1 update: per client, the clock ranges whose content was
// deleted. Merging updates unions their delete sets; a normalized set has, per client, sorted,
// non-overlapping, non-adjacent ranges (Yjs's sortAndMergeDeleteSet), and is written with clients
// in descending order like Yjs writes it.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <vector>

#include "engines/yjs/lib0_decoder.h"
#include "engines/yjs/lib0_encoder.h"

namespace od::yjs {

struct DeleteRange {
  std::uint64_t clock = 0;
  std::uint64_t length = 0;
  bool operator==(const DeleteRange&) const = default;
};

// Descending client order, the order Yjs writes.
using DeleteSet = std::map<std::uint64_t, std::vector<DeleteRange>, std::greater<>>;

// Reads `varUint(#clients) (client, varUint(#ranges) (clock, len)*)*`. Throws DecodeError.
DeleteSet read_delete_set(Lib0Decoder& decoder);
void write_delete_set(Lib0Encoder& encoder, const DeleteSet& ds);
// Adds every range of `from` to `into` (not normalized; call normalize_delete_set after).
void add_delete_set(DeleteSet& into, const DeleteSet& from);
// Sorts ranges, coalesces overlapping and adjacent ones, drops empty ranges and clients.
void normalize_delete_set(DeleteSet& ds);

}  // namespace od::yjs
