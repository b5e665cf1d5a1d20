// The one error type of the Yjs engine: malformed, truncated or out-of-range input.
// Every decoder in this folder reports bad bytes by throwing DecodeError (never by reading out of
// bounds or crashing). It is an od::ApiError with status 400, so a route or WebSocket handler that
// lets it escape answers "invalid_yjs_update" without extra mapping.
#pragma once

#include <string>

#include "core/error.h"

namespace od::yjs {

class DecodeError : public ApiError {
 public:
  explicit DecodeError(const std::string& message) : ApiError(400, "invalid_yjs_update", message) {}
};

}  // namespace od::yjs
