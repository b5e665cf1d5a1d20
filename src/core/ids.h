// Time-ordered identifiers: UUIDv7 strings (RFC 9562), so ids sort by creation time and make
// good keyset-pagination cursors.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace od {

using IdBytes = std::array<std::uint8_t, 16>;

std::string new_id();  // id_text(new_id_bytes())
// The 16 bytes of a new id, for holders that keep many (they print it with id_text when needed).
IdBytes new_id_bytes();
// The canonical lowercase text of an id's bytes (8-4-4-4-12 hex digits).
std::string id_text(const IdBytes& bytes);
// True for a canonical lowercase UUID string; used to reject garbage ids before any lookup.
bool is_valid_id(std::string_view id);

}  // namespace od
