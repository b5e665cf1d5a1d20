// AWS Signature Version 4 for S3 (and S3-compatible services): the canonical request, the string
// to sign, the derived signing key, the Authorization header and query-string (presigned) URLs.
// Pure functions over strings so they can be checked against AWS's published example vectors;
// the HTTP transport lives in s3_client.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

namespace od::storage::sigv4 {

struct Credentials {
  std::string access_key;
  std::string secret_key;
  std::string region = "us-east-1";
  std::string service = "s3";
};

// The hash of an empty payload, and the marker S3 accepts for payloads not hashed in advance.
inline constexpr std::string_view kEmptyPayloadSha256 =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
inline constexpr std::string_view kUnsignedPayload = "UNSIGNED-PAYLOAD";

// A request to sign. `path` is the already URI-encoded absolute path ("/bucket/key");
// `query` holds decoded names and values (encoded while signing); header names are lower-case.
struct Request {
  std::string method;
  std::string path;
  std::map<std::string, std::string> query;
  std::map<std::string, std::string> headers;  // must include "host"
  std::string payload_sha256 = std::string(kEmptyPayloadSha256);
};

// "20130524T000000Z" for a Unix time in seconds.
std::string amz_date(int64_t unix_seconds);

std::string canonical_request(const Request& request);
std::string string_to_sign(const Request& request, const std::string& amz_date,
                           const Credentials& credentials);
// Hex signature of `request` made at `amz_date`.
std::string signature(const Request& request, const std::string& amz_date,
                      const Credentials& credentials);

// Adds x-amz-date and x-amz-content-sha256 to `request` and returns the Authorization header.
std::string authorize(Request& request, int64_t unix_seconds, const Credentials& credentials);

// Adds the X-Amz-* query parameters of a presigned URL valid `expires_seconds` from
// `unix_seconds` and returns the whole query string (encoded, with the signature last).
std::string presign_query(Request& request, int64_t unix_seconds, int64_t expires_seconds,
                          const Credentials& credentials);

}  // namespace od::storage::sigv4
