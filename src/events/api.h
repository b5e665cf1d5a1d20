// HTTP route of the events module: GET /api/v1/events, a Server-Sent Events stream of the changes
// to the projects the caller may read.
#pragma once

#include "auth/service.h"
#include "events/sse_hub.h"
#include "http/router.h"

namespace od::events {

void register_routes(http::Router& router, SseHub& hub, const auth::AuthService& accounts);

}  // namespace od::events
