// A Yjs state vector: for each client, the next clock expected from it (the sum of the lengths of
// all its structs known). Encoded as `varUint(n) (varUint(client) varUint(clock))*`; written with
// clients in descending order as Yjs does, read in any order.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <span>
#include <vector>

namespace od::yjs {

using StateVector = std::map<std::uint64_t, std::uint64_t, std::greater<>>;

// Throws DecodeError on malformed or trailing bytes.
StateVector decode_state_vector(std::span<const std::uint8_t> bytes);
std::vector<std::uint8_t> encode_state_vector(const StateVector& sv);

}  // namespace od::yjs
