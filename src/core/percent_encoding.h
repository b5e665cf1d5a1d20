// RFC 3986 percent-encoding: every byte but the unreserved characters (A-Z a-z 0-9 - . _ ~)
// becomes %XX with upper-case hex, as OAuth form bodies, URL fragments and AWS SigV4 canonical
// requests all require.
#pragma once

#include <string>
#include <string_view>

namespace od {

// `keep_slash` leaves '/' as is (paths); otherwise it is encoded too (query values).
std::string percent_encode(std::string_view text, bool keep_slash = false);

}  // namespace od
