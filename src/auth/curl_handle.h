// RAII owners for libcurl handles, shared by the SMTP mailer and the outbound HTTP client, and
// the one-time global initialisation libcurl needs before any thread uses it.
#pragma once

#include <curl/curl.h>

#include <memory>
#include <string>

namespace od::auth {

struct CurlEasyDeleter {
  void operator()(CURL* handle) const { curl_easy_cleanup(handle); }
};
struct CurlListDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
using CurlEasy = std::unique_ptr<CURL, CurlEasyDeleter>;
using CurlList = std::unique_ptr<curl_slist, CurlListDeleter>;

// A fresh easy handle with the settings every caller wants (no signals, so it is safe on worker
// threads); throws std::runtime_error when libcurl cannot make one.
CurlEasy make_curl();
// Appends `item` to `list` (which may be empty); throws on allocation failure.
void curl_list_append(CurlList& list, const std::string& item);

}  // namespace od::auth
