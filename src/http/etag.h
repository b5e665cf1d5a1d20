// Conditional GETs: whether an If-None-Match header names an entity tag. Weak comparison, as
// RFC 9110 prescribes for If-None-Match; "*" matches anything.
#pragma once

#include <string>

namespace od::http {

bool etag_matches(const std::string& if_none_match, const std::string& etag);

}  // namespace od::http
