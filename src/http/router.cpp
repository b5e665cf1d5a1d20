#include "http/router.h"

#include <algorithm>

#include "core/error.h"

namespace od::http {
namespace {

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> segments;
  if (path.empty() || path[0] != '/') return segments;
  path.remove_prefix(1);
  for (;;) {
    size_t slash = path.find('/');
    segments.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return segments;
}

bool is_param(std::string_view segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

constexpr std::string_view kRestSuffix = "...}";

bool is_rest_param(std::string_view segment) {
  return is_param(segment) && segment.size() > kRestSuffix.size() + 1 &&
         segment.ends_with(kRestSuffix);
}

// Matches `path` against `pattern`; on success fills `params` and `score`, where a literal
// segment outranks a parameter at the first position the two routes differ.
bool match_pattern(const std::vector<std::string_view>& pattern,
                   const std::vector<std::string_view>& path,
                   std::map<std::string, std::string>& params, std::vector<bool>& literal) {
  const bool rest = !pattern.empty() && is_rest_param(pattern.back());
  if (rest ? path.size() < pattern.size() : pattern.size() != path.size()) return false;
  params.clear();
  literal.assign(pattern.size(), false);
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (rest && i + 1 == pattern.size()) {
      // Every remaining segment, none of them empty ("a//b" is not a name).
      std::string joined;
      for (size_t j = i; j < path.size(); ++j) {
        if (path[j].empty()) return false;
        if (j > i) joined += '/';
        joined += path[j];
      }
      std::string_view name = pattern[i].substr(1, pattern[i].size() - 1 - kRestSuffix.size());
      params.emplace(std::string(name), std::move(joined));
    } else if (is_param(pattern[i])) {
      if (path[i].empty()) return false;
      params.emplace(std::string(pattern[i].substr(1, pattern[i].size() - 2)), path[i]);
    } else if (pattern[i] == path[i]) {
      literal[i] = true;
    } else {
      return false;
    }
  }
  return true;
}

}  // namespace

void Router::add(Method method, std::string pattern, Handler handler, RouteOptions options) {
  routes_.push_back(Route{method, std::move(pattern), std::move(handler), std::move(options)});
}

void Router::add_websocket(std::string pattern, WebSocketHandler handler, RouteOptions options,
                           WebSocketOptions websocket) {
  options.max_body_bytes = 0;  // an upgrade request has no body
  add(
      Method::Get, std::move(pattern),
      [handler = std::move(handler), websocket](Request& request) {
        if (!is_websocket_upgrade(request)) {
          throw ApiError(426, "upgrade_required", "This endpoint speaks WebSocket only.");
        }
        Response response;
        response.status = 101;
        response.websocket =
            std::make_shared<WebSocketUpgrade>(WebSocketUpgrade{handler(request), websocket});
        return response;
      },
      std::move(options));
}

Router::Match Router::match(Method method, std::string_view path) const {
  Match result;
  // A NUL smuggled in as %00 could truncate the path in C APIs further down; never route it.
  if (path.find('\0') != std::string_view::npos) return result;
  const auto path_segments = split_path(path);
  if (path_segments.empty()) return result;

  std::vector<bool> best_literal, literal;
  std::map<std::string, std::string> params;
  auto consider = [&](Method wanted) {
    for (const Route& route : routes_) {
      if (!match_pattern(split_path(route.pattern), path_segments, params, literal)) continue;
      if (route.method != wanted) continue;
      if (result.route == nullptr || literal > best_literal) {
        result.route = &route;
        result.params = params;
        best_literal = literal;
      }
    }
  };
  consider(method);
  // HEAD is GET without the body (RFC 9110), so GET routes answer it unless HEAD is routed.
  if (result.route == nullptr && method == Method::Head) consider(Method::Get);
  if (result.route != nullptr) return result;

  for (const Route& route : routes_) {
    if (!match_pattern(split_path(route.pattern), path_segments, params, literal)) continue;
    if (std::find(result.allowed.begin(), result.allowed.end(), route.method) ==
        result.allowed.end()) {
      result.allowed.push_back(route.method);
    }
  }
  result.params.clear();
  return result;
}

}  // namespace od::http
