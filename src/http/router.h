// Route table: method + pattern ("/api/v1/projects/{id}") -> handler, with per-route limits.
// Matching fills Request::params. A path that matches no pattern is a 404; a path that matches
// with another method is a 405 with an Allow header (both in the JSON error envelope).
// A last segment "{name...}" matches one or more remaining segments (joined with '/').
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "http/message.h"
#include "http/websocket.h"

namespace od::http {

using Handler = std::function<Response(Request&)>;

struct RouteOptions {
  size_t max_body_bytes = 1 << 20;  // larger bodies get 413 before the handler runs
  std::string rate_class = "api";   // key into the rate-limit table
  std::string summary;              // one line, shown in the route listing used for OpenAPI checks
  // The handler gets the body through Request::body_reader while it arrives (uploads) instead of
  // whole in Request::body; max_body_bytes still bounds it.
  bool stream_body = false;
};

struct Route {
  Method method;
  std::string pattern;
  Handler handler;
  RouteOptions options;
};

class Router {
 public:
  void add(Method method, std::string pattern, Handler handler, RouteOptions options = {});
  // A GET route that upgrades to WebSocket (see http/websocket.h); a plain GET gets 426.
  void add_websocket(std::string pattern, WebSocketHandler handler, RouteOptions options = {},
                     WebSocketOptions websocket = {});

  struct Match {
    const Route* route = nullptr;  // null: no route for this method and path
    std::vector<Method> allowed;   // methods that do match the path (for 405)
    std::map<std::string, std::string> params;
  };
  Match match(Method method, std::string_view path) const;

  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
};

}  // namespace od::http
