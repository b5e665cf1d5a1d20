#include "engines/yjs/state_vector.h"

#include "engines/yjs/error.h"
#include "engines/yjs/lib0_decoder.h"
#include "engines/yjs/lib0_encoder.h"

namespace od::yjs {

StateVector decode_state_vector(std::span<const std::uint8_t> bytes) {
  Lib0Decoder d(bytes);
  const std::uint64_t n = d.read_var_uint();
  d.expect_items(n, 2);
  StateVector sv;
  for (std::uint64_t i = 0; i < n; ++i) {
    const std::uint64_t client = d.read_var_uint();
    sv[client] = d.read_var_uint();  // Yjs's decodeStateVector also lets a repeated client win
  }
  if (d.has_content()) throw DecodeError("trailing bytes after state vector");
  return sv;
}

std::vector<std::uint8_t> encode_state_vector(const StateVector& sv) {
  Lib0Encoder e;
  e.write_var_uint(sv.size());
  for (const auto& [client, clock] : sv) {
    e.write_var_uint(client);
    e.write_var_uint(clock);
  }
  return e.take();
}

}  // namespace od::yjs
