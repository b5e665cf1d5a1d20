// The few S3 REST calls the blob store needs, signed with SigV4 and sent with libcurl: object
// PUT/GET/HEAD/DELETE, multipart upload (create, part, complete, abort) and presigned URLs.
// Works with AWS and S3-compatible services, path-style (endpoint/bucket/key) or virtual-host
// (bucket.endpoint/key) addressing. One client may be used from many threads: each call has its
// own curl handle.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "storage/sigv4.h"

namespace od::storage {

struct S3Config {
  std::string endpoint = "https://s3.amazonaws.com";  // scheme://host[:port], no path
  std::string bucket;
  std::string region = "us-east-1";
  std::string access_key;
  std::string secret_key;
  bool path_style = true;  // false: virtual-host addressing (bucket.host)
  // "host:port" to connect to instead of resolving the request's host name (split-horizon DNS,
  // and tests of virtual-host addressing on loopback). Empty: resolve normally.
  std::string connect_to;
  long timeout_seconds = 300;  // per request
};

struct S3Response {
  long status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;                            // unless streamed to a sink
};

class S3Client {
 public:
  explicit S3Client(S3Config config);

  // The object's bytes from `source_path` [offset, offset + size), signed with their hash.
  S3Response put_object(const std::string& key, const std::string& source_path, uint64_t offset,
                        uint64_t size, const std::string& payload_sha256,
                        const std::string& content_type);
  // Streams the body to `sink` when the status is 2xx; `range` is a Range header value.
  S3Response get_object(const std::string& key, std::ostream& sink, const std::string& range = "");
  S3Response head_object(const std::string& key);
  S3Response delete_object(const std::string& key);

  // Multipart upload; throws StorageError when the service refuses.
  std::string create_multipart(const std::string& key, const std::string& content_type);
  // Returns the part's ETag.
  std::string upload_part(const std::string& key, const std::string& upload_id, int number,
                          const std::string& bytes);
  void complete_multipart(const std::string& key, const std::string& upload_id,
                          const std::vector<std::string>& etags);
  void abort_multipart(const std::string& key, const std::string& upload_id);

  // A URL valid for `ttl_seconds` that performs `method` (GET or PUT) on the object. The
  // `headers` (lower-case names) are signed too: the request must carry them with these values.
  std::string presign(const std::string& method, const std::string& key, int ttl_seconds,
                      const std::map<std::string, std::string>& headers = {});

  // Creates the bucket (tests and first-run setup); fine when it already exists and is ours.
  void create_bucket();

  const S3Config& config() const { return config_; }

 private:
  struct Body;
  S3Response send(const std::string& method, const std::string& key,
                  const std::map<std::string, std::string>& query,
                  std::map<std::string, std::string> headers, const Body& body, std::ostream* sink);
  std::string host() const;  // the Host header
  std::string object_path(const std::string& key) const;

  S3Config config_;
  sigv4::Credentials credentials_;
  std::string scheme_;
  std::string endpoint_host_;  // host[:port] of the endpoint
};

}  // namespace od::storage
