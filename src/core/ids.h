// Time-ordered identifiers: UUIDv7 strings (RFC 9562), so ids sort by creation time and make
// good keyset-pagination cursors.
#pragma once

#include <string>
#include <string_view>

namespace od {

std::string new_id();
// True for a canonical lowercase UUID string; used to reject garbage ids before any lookup.
bool is_valid_id(std::string_view id);

}  // namespace od
