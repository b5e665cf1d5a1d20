// The middleware chain: each middleware gets the request and the rest of the chain. They run on
// the worker pool with the handler (never on a network thread). The app composes the chain in
// app/; the built-ins below cover the cross-cutting concerns every route shares.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "http/message.h"

namespace od::http {

using Next = std::function<Response(Request&)>;
using Middleware = std::function<Response(Request&, const Next&)>;

// Runs `handler` through `chain` in order (chain[0] outermost).
Response run_chain(const std::vector<Middleware>& chain, Request& request, const Next& handler);

// Takes X-Request-Id from the client when well-formed (<= 128 safe chars), else makes one; echoes
// it in the response and sets it as the log scope for everything the request logs.
Middleware request_id();
// One JSON log line per request: method, route, path, status, bytes, duration, ip, user.
Middleware access_log();
// Catches ApiError and any other exception and renders the JSON error envelope
// {"error":{"code","message","details"},"requestId"}; unexpected exceptions become a 500 whose
// message reveals nothing internal (the detail goes to the log).
Middleware error_envelope();
// X-Content-Type-Options, X-Frame-Options, Referrer-Policy, HSTS when the request came over TLS,
// Content-Security-Policy on HTML responses.
Middleware security_headers();
// CORS for the configured origins ("*" allows any); answers preflight OPTIONS requests.
Middleware cors(std::vector<std::string> allowed_origins);
// Weak ETag on successful GET/HEAD JSON responses; 304 when If-None-Match matches.
Middleware etag();
// gzip for responses of at least `min_bytes` when the client sends Accept-Encoding: gzip.
Middleware gzip(size_t min_bytes = 1024);

// Renders the error envelope for an error raised outside any handler (the server uses it for
// 404/405/413/503 it produces itself).
Response error_response(int status, const std::string& code, const std::string& message,
                        const std::string& request_id,
                        const nlohmann::json& details = nlohmann::json::object());

}  // namespace od::http
