// UTF-8 well-formedness, shared by the WebSocket layer (text frames, close reasons) and the Yjs
// engine (lib0 strings).
#pragma once

#include <string_view>

namespace od {

// True when `s` is well-formed UTF-8 (no overlongs, surrogates or code points above U+10FFFF).
bool is_valid_utf8(std::string_view s);

}  // namespace od
