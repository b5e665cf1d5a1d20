// Operations on encoded Yjs v1 updates that never build a document: the doc-less server
// primitives of Yjs's "differential updates" (Y.encodeStateVectorFromUpdate, Y.mergeUpdates,
// Y.diffUpdate). Results equal Yjs's in effect: applying them to a Y.Doc gives the same content
// and state vector, though bytes may differ (e.g. adjacent GCs are coalesced here).
// Every function validates its input completely and throws DecodeError (error.h) on malformed,
// truncated or trailing bytes; none reads out of bounds or trusts a length prefix.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "engines/yjs/state_vector.h"

namespace od::yjs {

using Bytes = std::vector<std::uint8_t>;
using BytesView = std::span<const std::uint8_t>;

// Checks that `update` is a well-formed v1 update (every struct, content and the delete set).
void validate_update(BytesView update);

// Per client, the end of the run of structs that starts at clock 0 without a gap or Skip: what a
// peer holding only this update has applied. Clients without such a run are left out.
StateVector state_vector_from_update(BytesView update);
Bytes encode_state_vector_from_update(BytesView update);

// One update holding everything the inputs hold (gaps become Skip structs; delete sets are
// unioned). Input Skips are dropped, as in Yjs. A single input is validated and returned as is.
Bytes merge_updates(std::span<const BytesView> updates);

// The part of `update` a peer with state vector `sv` is missing: per client, the structs from
// sv[client] on (the first one sliced when sv falls inside it), plus the whole delete set.
Bytes diff_update(BytesView update, const StateVector& sv);
Bytes diff_update(BytesView update, BytesView encoded_state_vector);

}  // namespace od::yjs
