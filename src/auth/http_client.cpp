#include "auth/http_client.h"

#include <algorithm>
#include <stdexcept>

#include "auth/curl_handle.h"
#include "core/percent_encoding.h"

namespace od::auth {
namespace {

struct Sink {
  std::string* body;
  size_t limit;
  bool overflow = false;
};

size_t collect(char* data, size_t size, size_t count, void* user) {
  auto* sink = static_cast<Sink*>(user);
  size_t bytes = size * count;
  if (sink->body->size() + bytes > sink->limit) {
    sink->overflow = true;
    return 0;  // makes libcurl abort the transfer with CURLE_WRITE_ERROR
  }
  sink->body->append(data, bytes);
  return bytes;
}

}  // namespace

HttpResponse http_fetch(const HttpRequest& request) {
  CurlEasy curl = make_curl();
  CURL* h = curl.get();
  HttpResponse response;
  Sink sink{&response.body, request.max_response_bytes};
  CurlList headers;
  for (const auto& header : request.headers) curl_list_append(headers, header);
  CurlList resolve;
  for (const auto& entry : request.resolve) curl_list_append(resolve, entry);

  curl_easy_setopt(h, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(h, CURLOPT_TIMEOUT, request.timeout_seconds);
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, std::min(request.timeout_seconds, 5L));
  curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE,
                   static_cast<curl_off_t>(request.max_response_bytes));
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, collect);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &sink);
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());
  if (resolve) {
    curl_easy_setopt(h, CURLOPT_RESOLVE, resolve.get());
    curl_easy_setopt(h, CURLOPT_PROXY, "");
  }
  if (request.method == "POST") {
    curl_easy_setopt(h, CURLOPT_POST, 1L);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, request.body.c_str());
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
  } else if (request.method != "GET") {
    throw std::invalid_argument("http_fetch supports GET and POST, not " + request.method);
  }

  CURLcode rc = curl_easy_perform(h);
  if (sink.overflow || rc == CURLE_FILESIZE_EXCEEDED) {
    throw std::runtime_error("response from " + request.url + " exceeds " +
                             std::to_string(request.max_response_bytes) + " bytes");
  }
  if (rc != CURLE_OK) {
    throw std::runtime_error("request to " + request.url + " failed: " + curl_easy_strerror(rc));
  }
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &response.status);
  return response;
}

std::string form_encode(const std::vector<std::pair<std::string, std::string>>& fields) {
  std::string out;
  for (const auto& [name, value] : fields) {
    if (!out.empty()) out.push_back('&');
    out += percent_encode(name) + "=" + percent_encode(value);
  }
  return out;
}

}  // namespace od::auth
