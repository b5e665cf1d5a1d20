// The collaboration endpoints. GET /collab/{room} upgraded to WebSocket speaks y-websocket's
// protocol; the access token comes as `?token=` (browsers cannot set headers on a WebSocket),
// the usual Authorization header, or, with neither, as the connection's first message (see
// session.h). Strangers get 404, viewers a read-only session; `?notices=1` asks for comment
// notices (message type 100). REST: who is online, and snapshots of the rooms saved with a
// project version and restored from it.
#pragma once

#include "auth/service.h"
#include "collab/hub.h"
#include "collab/service.h"
#include "collab/session.h"
#include "http/router.h"
#include "projects/service.h"

namespace od::collab {

struct EndpointOptions {
  http::WebSocketOptions websocket;
  SessionLimits session;
};

void register_routes(http::Router& router, Hub& hub, CollabService& collab,
                     projects::ProjectsService& projects, const auth::AuthService& accounts,
                     EndpointOptions options = {});

}  // namespace od::collab
