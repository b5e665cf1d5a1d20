// A small, bounded outbound HTTP client over libcurl for talking to OAuth providers: one request,
// no redirects followed, http/https only, a total timeout and a cap on the response size, so a
// slow or hostile provider cannot tie up a worker thread or its memory.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace od::auth {

struct HttpRequest {
  std::string method = "GET";  // GET or POST
  std::string url;
  std::vector<std::string> headers;  // "Name: value"
  std::string body;
  long timeout_seconds = 10;
  size_t max_response_bytes = 1 << 20;
  // CURLOPT_RESOLVE entries ("host:port:address"): connect to these checked addresses instead
  // of resolving again. When set, proxies from the environment are ignored too, so the
  // connection goes exactly where the caller checked.
  std::vector<std::string> resolve;
};

struct HttpResponse {
  long status = 0;
  std::string body;
};

// Performs `request`. Throws std::runtime_error on transport failures (DNS, connect, TLS,
// timeout) and when the response is larger than the cap; any HTTP status is returned as is.
HttpResponse http_fetch(const HttpRequest& request);

// "a=1&b=2" from pairs, each side percent-encoded (core/percent_encoding.h).
std::string form_encode(const std::vector<std::pair<std::string, std::string>>& fields);

}  // namespace od::auth
