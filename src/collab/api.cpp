#include "collab/api.h"

#include <charconv>

#include "auth/request_auth.h"
#include "core/error.h"
#include "core/json_input.h"
#include "core/time.h"

namespace od::collab {
namespace {

using http::Method;
using http::Request;
using http::Response;
namespace ji = json_input;

bool can_edit(projects::Access access) {
  return access == projects::Access::Editor || access == projects::Access::Owner ||
         access == projects::Access::Admin;
}

int64_t snapshot_number(const Request& req) {
  const std::string& text = req.param("number");
  int64_t n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || end != text.data() + text.size() || n < 1) throw not_found("version");
  return n;
}

nlohmann::json session_json(const CollabSession& s) {
  return {{"userId", s.user_id},
          {"room", s.room},
          {"canEdit", s.can_edit},
          {"joinedAt", rfc3339(s.joined_at)},
          {"instanceId", s.instance_id}};
}

}  // namespace

void register_routes(http::Router& router, Hub& hub, CollabService& collab,
                     projects::ProjectsService& projects, const auth::AuthService& accounts,
                     EndpointOptions options) {
  router.add_websocket(
      "/collab/{room...}",
      [&hub, &projects, &accounts, options](http::Request& request) {
        auto name = parse_room_name(request.param("room"));
        if (!name) throw not_found("room");
        // Checks a caller against the room's project: 404 for a project they may not see.
        auto access_of = [&projects, project_id = name->project_id](const auth::Principal& who) {
          auto visible = projects.get(who, project_id);
          return Access{who.user_id, can_edit(visible.access)};
        };
        bool notices = request.query("notices").value_or("") == "1";
        if (!request.query("token") && !request.header("Authorization") &&
            request.context.user_id.empty()) {
          // No token yet: it must come as the first message.
          Authorizer authorize = [&accounts, access_of](const std::string& token) {
            auto principal = accounts.authenticate(token);
            if (!principal) throw ApiError(401, "invalid_token", "invalid token");
            return access_of(*principal);
          };
          return std::make_shared<Session>(hub, std::move(*name), std::nullopt,
                                           std::move(authorize), options.session, notices);
        }
        auto caller = auth::require_principal_or_query_token(request, accounts, "token");
        return std::make_shared<Session>(hub, std::move(*name), access_of(caller), nullptr,
                                         options.session, notices);
      },
      {.max_body_bytes = 0,
       .rate_class = "api",
       .summary = "Collaborate on a project document over WebSocket (y-websocket protocol)"},
      options.websocket);

  router.add(Method::Get, "/api/v1/projects/{id}/collaborators/online", [&collab](Request& req) {
    auto me = auth::require_principal(req);
    int limit = 100;
    if (auto text = req.query("limit")) {
      auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), limit);
      if (ec != std::errc() || end != text->data() + text->size() || limit < 1 || limit > 500) {
        throw validation_error("limit must be an integer from 1 to 500", {{"field", "limit"}});
      }
    }
    nlohmann::json items = nlohmann::json::array();
    for (const auto& s : collab.online(me, req.param("id"), limit))
      items.push_back(session_json(s));
    return Response::json(200, {{"items", items}});
  });

  router.add(Method::Post, "/api/v1/projects/{id}/collab/snapshots",
             [&collab](Request& req) {
               auto me = auth::require_principal(req);
               auto body = req.body.empty() ? nlohmann::json::object() : ji::parse_object(req.body);
               ji::reject_unknown_fields(body, {"label"});
               auto label = ji::string_field(body, "label", false, 0, 200);
               auto saved = collab.save_snapshot(me, req.param("id"), label.value_or(""));
               return Response::json(201, {{"number", saved.version.number},
                                           {"label", saved.version.label},
                                           {"rooms", saved.rooms}});
             },
             {16 * 1024, "api", ""});

  router.add(Method::Post, "/api/v1/projects/{id}/collab/snapshots/{number}/restore",
             [&collab](Request& req) {
               auto me = auth::require_principal(req);
               auto rooms = collab.restore_snapshot(me, req.param("id"), snapshot_number(req));
               return Response::json(200, {{"number", snapshot_number(req)}, {"rooms", rooms}});
             });
}

}  // namespace od::collab
