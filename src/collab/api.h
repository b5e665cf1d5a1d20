// The collaboration endpoint: GET /collab/{room} upgraded to WebSocket, speaking y-websocket's
// protocol. The access token comes as `?token=` (browsers cannot set headers on a WebSocket) or
// the usual Authorization header; strangers get 404, viewers a read-only session.
#pragma once

#include "auth/service.h"
#include "collab/hub.h"
#include "collab/session.h"
#include "http/router.h"
#include "projects/service.h"

namespace od::collab {

struct EndpointOptions {
  http::WebSocketOptions websocket;
  SessionLimits session;
};

void register_routes(http::Router& router, Hub& hub, projects::ProjectsService& projects,
                     const auth::AuthService& accounts, EndpointOptions options = {});

}  // namespace od::collab
