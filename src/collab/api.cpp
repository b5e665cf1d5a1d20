#include "collab/api.h"

#include "auth/request_auth.h"
#include "core/error.h"

namespace od::collab {
namespace {

// The header token (already checked by the authenticate middleware) wins; otherwise `?token=`.
// The access log records paths without queries, so the token is not written to logs.
auth::Principal caller_of(const http::Request& request, const auth::AuthService& accounts) {
  auto token = request.query("token");
  if (!token || !request.context.user_id.empty() || request.header("Authorization")) {
    return auth::require_principal(request);
  }
  auto principal = accounts.authenticate(*token);
  if (!principal) {
    throw ApiError(401, "invalid_token", "The access token is invalid or expired; refresh it.");
  }
  return *principal;
}

}  // namespace

void register_routes(http::Router& router, Hub& hub, projects::ProjectsService& projects,
                     const auth::AuthService& accounts, EndpointOptions options) {
  router.add_websocket(
      "/collab/{room...}",
      [&hub, &projects, &accounts, options](http::Request& request) {
        auto name = parse_room_name(request.param("room"));
        if (!name) throw not_found("room");
        auto caller = caller_of(request, accounts);
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
