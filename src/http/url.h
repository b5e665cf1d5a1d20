// Percent-decoding shared by the router (paths) and Request::query (query strings). Private to
// src/http/.
#pragma once

#include <string>
#include <string_view>

namespace od::http {

// Decodes %XX escapes (and '+' as a space when `plus_as_space`, the form-encoding rule for query
// strings). False on a malformed escape, leaving `out` unspecified.
bool percent_decode(std::string_view in, bool plus_as_space, std::string& out);

}  // namespace od::http
