#include "collab/api.h"

#include "auth/request_auth.h"
#include "core/error.h"

namespace od::collab {

void register_routes(http::Router& router, Hub& hub, projects::ProjectsService& projects,
                     const auth::AuthService& accounts, EndpointOptions options) {
  router.add_websocket(
      "/collab/{room...}",
      [&hub, &projects, &accounts, options](http::Request& request) {
        auto name = parse_room_name(request.param("room"));
        if (!name) throw not_found("room");
        auto caller = auth::require_principal_or_query_token(request, accounts, "token");
        // 404 for a project the caller may not see, as everywhere else.
        auto visible = projects.get(caller, name->project_id);
        bool writable = visible.access == projects::Access::Editor ||
                        visible.access == projects::Access::Owner ||
                        visible.access == projects::Access::Admin;
        return std::make_shared<Session>(hub, std::move(*name), writable, options.session);
      },
      {.max_body_bytes = 0,
       .rate_class = "api",
       .summary = "Collaborate on a project document over WebSocket (y-websocket protocol)"},
      options.websocket);
}

}  // namespace od::collab
