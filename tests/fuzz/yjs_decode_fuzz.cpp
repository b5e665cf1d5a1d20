// libFuzzer target for the Yjs engine's decoders: arbitrary bytes must either decode or raise
// DecodeError, never crash or read out of bounds (run under ASan/UBSan by scripts/fuzz.sh).
// Bytes that validate are also pushed through state vector, merge, diff and the y-protocols
// decoders, and the results must themselves be valid updates.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <vector>

#include "engines/yjs/error.h"
#include "engines/yjs/sync_protocol.h"
#include "engines/yjs/update_ops.h"

namespace {

void require(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace od::yjs;
  const BytesView input(data, size);
  try {
    decode_messages(input);
  } catch (const DecodeError&) {
  }
  try {
    decode_awareness_update(input);
  } catch (const DecodeError&) {
  }
  try {
    validate_update(input);
  } catch (const DecodeError&) {
    // Invalid input: every operation must reject it the same way.
    try {
      state_vector_from_update(input);
      std::abort();
    } catch (const DecodeError&) {
    }
    return 0;
  }
  const StateVector sv = state_vector_from_update(input);
  // Merging with itself and with the empty update must give valid updates with the same state.
  const Bytes empty = {0, 0};
  const std::vector<BytesView> inputs = {input, input, empty};
  const Bytes merged = merge_updates(inputs);
  validate_update(merged);
  require(state_vector_from_update(merged) == sv);
  // A diff against the update's own state vector is valid; against half of it, too.
  validate_update(diff_update(input, sv));
  StateVector half;
  for (const auto& [client, clock] : sv) half[client] = clock / 2;
  const Bytes diff = diff_update(merged, half);
  validate_update(diff);
  return 0;
}
