#include "auth/curl_handle.h"

#include <mutex>
#include <stdexcept>

namespace od::auth {

CurlEasy make_curl() {
  // curl_global_init is not thread-safe on every build of libcurl: run it exactly once.
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  CurlEasy handle(curl_easy_init());
  if (!handle) throw std::runtime_error("curl_easy_init failed");
  curl_easy_setopt(handle.get(), CURLOPT_NOSIGNAL, 1L);
  return handle;
}

void curl_list_append(CurlList& list, const std::string& item) {
  curl_slist* grown = curl_slist_append(list.get(), item.c_str());
  if (!grown) throw std::runtime_error("curl_slist_append failed");
  list.release();
  list.reset(grown);
}

}  // namespace od::auth
