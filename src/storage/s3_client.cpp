#include "storage/s3_client.h"

#include <curl/curl.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <memory>
#include <mutex>

#include "core/crypto.h"
#include "core/percent_encoding.h"
#include "storage/blob_store.h"
#include "storage/unique_fd.h"

namespace od::storage {
namespace {

struct CurlDeleter {
  void operator()(CURL* h) const { curl_easy_cleanup(h); }
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};
using Curl = std::unique_ptr<CURL, CurlDeleter>;
using CurlList = std::unique_ptr<curl_slist, CurlDeleter>;

int64_t now_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

// Text between <tag> and </tag>, the first occurrence; empty when absent. S3's replies are
// small, flat documents: this is all the XML the client reads.
std::string xml_text(const std::string& xml, const std::string& tag) {
  size_t begin = xml.find("<" + tag + ">");
  if (begin == std::string::npos) return "";
  begin += tag.size() + 2;
  size_t end = xml.find("</" + tag + ">", begin);
  return end == std::string::npos ? "" : xml.substr(begin, end - begin);
}

[[noreturn]] void refuse(const std::string& what, const S3Response& response) {
  std::string code = xml_text(response.body, "Code");
  throw StorageError("s3: " + what + " failed with HTTP " + std::to_string(response.status) +
                     (code.empty() ? "" : " (" + code + ")"));
}

struct Transfer {
  // Upload source: a string, or a segment of a file read with pread.
  const std::string* text = nullptr;
  int fd = -1;
  uint64_t offset = 0;
  uint64_t remaining = 0;
  // Download.
  CURL* curl = nullptr;
  std::ostream* sink = nullptr;
  S3Response* response = nullptr;
};

size_t read_body(char* out, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  size_t want = static_cast<size_t>(std::min<uint64_t>(size * count, t->remaining));
  if (want == 0) return 0;
  if (t->text != nullptr) {
    size_t start = t->text->size() - static_cast<size_t>(t->remaining);
    std::copy_n(t->text->data() + start, want, out);
    t->remaining -= want;
    return want;
  }
  ssize_t n;
  do {
    n = ::pread(t->fd, out, want, static_cast<off_t>(t->offset));
  } while (n < 0 && errno == EINTR);
  if (n <= 0) return CURL_READFUNC_ABORT;  // the file shrank under us: fail, never send junk
  t->offset += static_cast<uint64_t>(n);
  t->remaining -= static_cast<uint64_t>(n);
  return static_cast<size_t>(n);
}

size_t write_body(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  long status = 0;
  curl_easy_getinfo(t->curl, CURLINFO_RESPONSE_CODE, &status);
  if (t->sink != nullptr && status >= 200 && status < 300) {
    t->sink->write(data, static_cast<std::streamsize>(size * count));
    if (!*t->sink) return 0;
  } else if (t->response->body.size() < 64 * 1024) {  // error documents are small; cap them
    t->response->body.append(data, size * count);
  }
  return size * count;
}

size_t write_header(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  std::string line(data, size * count);
  size_t colon = line.find(':');
  if (colon != std::string::npos) {
    std::string value = line.substr(colon + 1);
    value.erase(0, value.find_first_not_of(" \t"));
    while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' '))
      value.pop_back();
    t->response->headers[lower(line.substr(0, colon))] = value;
  }
  return size * count;
}

}  // namespace

struct S3Client::Body {
  const std::string* text = nullptr;
  std::string file;
  uint64_t offset = 0;
  uint64_t size = 0;
  std::string sha256 = std::string(sigv4::kEmptyPayloadSha256);
};

S3Client::S3Client(S3Config config) : config_(std::move(config)) {
  static std::once_flag curl_init;
  std::call_once(curl_init, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  size_t sep = config_.endpoint.find("://");
  if (sep == std::string::npos || config_.bucket.empty()) {
    throw std::invalid_argument("s3: endpoint must be scheme://host[:port] and bucket set");
  }
  scheme_ = config_.endpoint.substr(0, sep);
  endpoint_host_ = config_.endpoint.substr(sep + 3);
  while (!endpoint_host_.empty() && endpoint_host_.back() == '/') endpoint_host_.pop_back();
  if (endpoint_host_.find('/') != std::string::npos) {
    throw std::invalid_argument("s3: endpoint must not have a path");
  }
  credentials_ = {config_.access_key, config_.secret_key, config_.region, "s3"};
}

std::string S3Client::host() const {
  return config_.path_style ? endpoint_host_ : config_.bucket + "." + endpoint_host_;
}

std::string S3Client::object_path(const std::string& key) const {
  std::string path = config_.path_style ? "/" + percent_encode(config_.bucket) : "";
  return path + "/" + percent_encode(key, true);
}

S3Response S3Client::send(const std::string& method, const std::string& key,
                          const std::map<std::string, std::string>& query,
                          std::map<std::string, std::string> headers, const Body& body,
                          std::ostream* sink) {
  sigv4::Request request;
  request.method = method;
  request.path = key.empty() && !config_.path_style ? "/" : object_path(key);
  if (key.empty() && config_.path_style) request.path = "/" + config_.bucket;
  request.query = query;
  request.headers = std::move(headers);
  request.headers["host"] = host();
  request.payload_sha256 = body.sha256;
  std::string authorization = sigv4::authorize(request, now_seconds(), credentials_);

  std::string url = scheme_ + "://" + host() + request.path;
  std::string query_text;
  for (const auto& [name, value] : query) {
    query_text += (query_text.empty() ? "" : "&") + percent_encode(name) +
                  (value.empty() && name == "uploads" ? "" : "=" + percent_encode(value));
  }
  if (!query_text.empty()) url += "?" + query_text;

  Curl curl(curl_easy_init());
  if (!curl) throw StorageError("s3: cannot create a curl handle");
  CurlList list;
  auto append = [&list](const std::string& item) {
    curl_slist* next = curl_slist_append(list.get(), item.c_str());
    if (next == nullptr) throw StorageError("s3: out of memory");
    list.release();
    list.reset(next);
  };
  for (const auto& [name, value] : request.headers) {
    if (name != "host") append(name + ": " + value);
  }
  append("Host: " + host());
  append("Authorization: " + authorization);
  append("Expect:");  // no 100-continue round trip
  if (body.text == nullptr && body.file.empty() && !request.headers.count("content-type")) {
    append("Content-Type:");
  }

  S3Response response;
  Transfer transfer;
  transfer.curl = curl.get();
  transfer.sink = sink;
  transfer.response = &response;
  UniqueFd fd;
  if (!body.file.empty()) {
    fd = UniqueFd(::open(body.file.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) throw StorageError("s3: cannot open " + body.file);
    transfer.fd = fd.get();
    transfer.offset = body.offset;
    transfer.remaining = body.size;
  } else if (body.text != nullptr) {
    transfer.text = body.text;
    transfer.remaining = body.text->size();
  }
  bool has_body = body.text != nullptr || !body.file.empty();

  CURL* h = curl.get();
  curl_easy_setopt(h, CURLOPT_URL, url.c_str());
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_TIMEOUT, config_.timeout_seconds);
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 10L);
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, list.get());
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, write_body);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &transfer);
  curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, write_header);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, &transfer);
  CurlList connect_to;
  if (!config_.connect_to.empty()) {
    std::string host_only = host().substr(0, host().rfind(':'));
    connect_to.reset(curl_slist_append(
        nullptr, (host_only + ":" + host().substr(host().rfind(':') + 1) + ":" + config_.connect_to)
                     .c_str()));
    curl_easy_setopt(h, CURLOPT_CONNECT_TO, connect_to.get());
  }
  if (method == "HEAD") {
    curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
  } else if (method == "PUT") {
    curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(h, CURLOPT_READFUNCTION, read_body);
    curl_easy_setopt(h, CURLOPT_READDATA, &transfer);
    curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(transfer.remaining));
  } else if (method == "POST") {
    curl_easy_setopt(h, CURLOPT_POST, 1L);
    curl_easy_setopt(h, CURLOPT_READFUNCTION, read_body);
    curl_easy_setopt(h, CURLOPT_READDATA, &transfer);
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE,
                     static_cast<curl_off_t>(has_body ? transfer.remaining : 0));
  } else if (method != "GET") {
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method.c_str());
  }
  CURLcode rc = curl_easy_perform(h);
  if (rc != CURLE_OK) {
    throw StorageError(std::string("s3: ") + method + " " + key + ": " + curl_easy_strerror(rc));
  }
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &response.status);
  return response;
}

S3Response S3Client::put_object(const std::string& key, const std::string& source_path,
                                uint64_t offset, uint64_t size, const std::string& payload_sha256,
                                const std::string& content_type) {
  Body body;
  body.file = source_path;
  body.offset = offset;
  body.size = size;
  body.sha256 = payload_sha256;
  return send("PUT", key, {}, {{"content-type", content_type}}, body, nullptr);
}

S3Response S3Client::get_object(const std::string& key, std::ostream& sink,
                                const std::string& range) {
  std::map<std::string, std::string> headers;
  if (!range.empty()) headers["range"] = range;
  return send("GET", key, {}, headers, Body{}, &sink);
}

S3Response S3Client::head_object(const std::string& key) {
  return send("HEAD", key, {}, {}, Body{}, nullptr);
}

S3Response S3Client::delete_object(const std::string& key) {
  return send("DELETE", key, {}, {}, Body{}, nullptr);
}

std::string S3Client::create_multipart(const std::string& key, const std::string& content_type) {
  auto response =
      send("POST", key, {{"uploads", ""}}, {{"content-type", content_type}}, Body{}, nullptr);
  std::string id = xml_text(response.body, "UploadId");
  if (response.status != 200 || id.empty()) refuse("create multipart upload", response);
  return id;
}

std::string S3Client::upload_part(const std::string& key, const std::string& upload_id, int number,
                                  const std::string& bytes) {
  Body body;
  body.text = &bytes;
  body.sha256 = crypto::sha256_hex(bytes);
  auto response =
      send("PUT", key, {{"partNumber", std::to_string(number)}, {"uploadId", upload_id}}, {}, body,
           nullptr);
  if (response.status != 200 || !response.headers.count("etag")) refuse("upload part", response);
  return response.headers["etag"];
}

void S3Client::complete_multipart(const std::string& key, const std::string& upload_id,
                                  const std::vector<std::string>& etags) {
  std::string xml = "<CompleteMultipartUpload>";
  for (size_t i = 0; i < etags.size(); ++i) {
    xml += "<Part><PartNumber>" + std::to_string(i + 1) + "</PartNumber><ETag>" + etags[i] +
           "</ETag></Part>";
  }
  xml += "</CompleteMultipartUpload>";
  Body body;
  body.text = &xml;
  body.sha256 = crypto::sha256_hex(xml);
  auto response = send("POST", key, {{"uploadId", upload_id}},
                       {{"content-type", "application/xml"}}, body, nullptr);
  // S3 may answer 200 with an error document when the completion fails late.
  if (response.status != 200 || response.body.find("<Error>") != std::string::npos) {
    refuse("complete multipart upload", response);
  }
}

void S3Client::abort_multipart(const std::string& key, const std::string& upload_id) {
  send("DELETE", key, {{"uploadId", upload_id}}, {}, Body{}, nullptr);
}

std::string S3Client::presign(const std::string& method, const std::string& key, int ttl_seconds,
                              const std::map<std::string, std::string>& headers) {
  sigv4::Request request;
  request.method = method;
  request.path = object_path(key);
  request.headers = headers;
  request.headers["host"] = host();
  std::string query = sigv4::presign_query(request, now_seconds(), ttl_seconds, credentials_);
  return scheme_ + "://" + host() + request.path + "?" + query;
}

void S3Client::create_bucket() {
  auto response = send("PUT", "", {}, {}, Body{}, nullptr);
  if (response.status != 200 && response.status != 409) refuse("create bucket", response);
}

}  // namespace od::storage
