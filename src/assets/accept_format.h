// Content negotiation for derived images: which of the formats the server can make the client
// prefers, by the q-values of its Accept header (exact type, then image/*, then */*).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "media/render.h"

namespace od::assets {

// `offered` is in the server's order of preference, which breaks ties. No Accept header accepts
// anything. Nothing when every offered format has q=0 (a 406).
std::optional<media::Format> negotiate_format(const std::optional<std::string>& accept,
                                              const std::vector<media::Format>& offered);

}  // namespace od::assets
