// The chain runner and the per-request plumbing middleware: request id, access log and the error
// envelope. Response-shaping middleware (headers, CORS, caching, compression) is in
// response_filters.cpp.
#include "http/middleware.h"

#include <chrono>
#include <exception>

#include "core/error.h"
#include "core/ids.h"
#include "core/log.h"

namespace od::http {
namespace {

constexpr size_t kMaxClientRequestId = 128;

Response run_from(const std::vector<Middleware>& chain, size_t index, Request& request,
                  const Next& handler) {
  if (index == chain.size()) return handler(request);
  Next next = [&chain, index, &handler](Request& r) {
    return run_from(chain, index + 1, r, handler);
  };
  return chain[index](request, next);
}

// Client ids end up in logs and headers: accept only short, plain tokens.
bool acceptable_request_id(const std::string& id) {
  if (id.empty() || id.size() > kMaxClientRequestId) return false;
  for (char c : id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_' || c == '.' || c == ':';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

Response run_chain(const std::vector<Middleware>& chain, Request& request, const Next& handler) {
  return run_from(chain, 0, request, handler);
}

Middleware request_id() {
  return [](Request& request, const Next& next) {
    auto given = request.header("X-Request-Id");
    request.context.request_id = given && acceptable_request_id(*given) ? *given : new_id();
    log::RequestLogScope scope(request.context.request_id);
    Response response = next(request);
    response.headers.set("X-Request-Id", request.context.request_id);
    return response;
  };
}

Middleware access_log() {
  return [](Request& request, const Next& next) {
    auto started = std::chrono::steady_clock::now();
    int status = 500;  // what the client sees when an exception escapes the inner chain
    size_t bytes = 0;
    auto write_line = [&] {
      double ms =
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started)
              .count();
      log::info("request", {{"method", method_name(request.method)},
                            {"route", request.context.route_pattern},
                            {"path", request.path},
                            {"status", status},
                            {"bytes", bytes},
                            {"durationMs", ms},
                            {"ip", request.remote_ip},
                            {"userId", request.context.user_id}});
    };
    try {
      Response response = next(request);
      status = response.status;
      bytes = response.body.size();
      write_line();
      return response;
    } catch (...) {
      write_line();
      throw;
    }
  };
}

Middleware error_envelope() {
  return [](Request& request, const Next& next) {
    const std::string& id =
        request.context.request_id.empty() ? log::current_request_id() : request.context.request_id;
    try {
      return next(request);
    } catch (const ApiError& e) {
      Response response = error_response(e.status(), e.code(), e.what(), id, e.details());
      if (e.retry_after() > 0) {
        response.headers.set("Retry-After", std::to_string(e.retry_after()));
      }
      return response;
    } catch (const std::exception& e) {
      log::error("unhandled exception", {{"error", e.what()}, {"path", request.path}});
    } catch (...) {
      log::error("unhandled exception", {{"error", "unknown"}, {"path", request.path}});
    }
    return error_response(500, "internal_error", "Something went wrong on our side.", id);
  };
}

Response error_response(int status, const std::string& code, const std::string& message,
                        const std::string& request_id, const nlohmann::json& details) {
  nlohmann::json body = {
      {"error", {{"code", code}, {"message", message}, {"details", details}}},
      {"requestId", request_id},
  };
  return Response::json(status, body);
}

}  // namespace od::http
