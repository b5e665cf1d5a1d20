#include "storage/sigv4.h"

#include <ctime>

#include "core/crypto.h"
#include "core/percent_encoding.h"

namespace od::storage::sigv4 {
namespace {

std::string scope(const std::string& date, const Credentials& c) {
  return date.substr(0, 8) + "/" + c.region + "/" + c.service + "/aws4_request";
}

std::string canonical_query(const std::map<std::string, std::string>& query) {
  // Sorted by encoded name; std::map sorts by decoded name, which differs only for names with
  // characters that encode, so sort the encoded pairs explicitly.
  std::map<std::string, std::string> encoded;
  for (const auto& [name, value] : query) encoded[percent_encode(name)] = percent_encode(value);
  std::string out;
  for (const auto& [name, value] : encoded) {
    if (!out.empty()) out += '&';
    out += name + "=" + value;
  }
  return out;
}

std::string signed_headers(const Request& request) {
  std::string out;
  for (const auto& [name, value] : request.headers) {
    if (!out.empty()) out += ';';
    out += name;
  }
  return out;
}

std::string trim(const std::string& value) {
  size_t begin = value.find_first_not_of(" \t");
  if (begin == std::string::npos) return "";
  size_t end = value.find_last_not_of(" \t");
  return value.substr(begin, end - begin + 1);
}

}  // namespace

std::string amz_date(int64_t unix_seconds) {
  std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

std::string canonical_request(const Request& request) {
  std::string headers;
  for (const auto& [name, value] : request.headers) headers += name + ":" + trim(value) + "\n";
  return request.method + "\n" + request.path + "\n" + canonical_query(request.query) + "\n" +
         headers + "\n" + signed_headers(request) + "\n" + request.payload_sha256;
}

std::string string_to_sign(const Request& request, const std::string& date,
                           const Credentials& credentials) {
  return "AWS4-HMAC-SHA256\n" + date + "\n" + scope(date, credentials) + "\n" +
         crypto::sha256_hex(canonical_request(request));
}

std::string signature(const Request& request, const std::string& date,
                      const Credentials& credentials) {
  std::string key = crypto::hmac_sha256("AWS4" + credentials.secret_key, date.substr(0, 8));
  key = crypto::hmac_sha256(key, credentials.region);
  key = crypto::hmac_sha256(key, credentials.service);
  key = crypto::hmac_sha256(key, "aws4_request");
  return crypto::hex_encode(crypto::hmac_sha256(key, string_to_sign(request, date, credentials)));
}

std::string authorize(Request& request, int64_t unix_seconds, const Credentials& credentials) {
  std::string date = amz_date(unix_seconds);
  request.headers["x-amz-date"] = date;
  request.headers["x-amz-content-sha256"] = request.payload_sha256;
  return "AWS4-HMAC-SHA256 Credential=" + credentials.access_key + "/" + scope(date, credentials) +
         ",SignedHeaders=" + signed_headers(request) +
         ",Signature=" + signature(request, date, credentials);
}

std::string presign_query(Request& request, int64_t unix_seconds, int64_t expires_seconds,
                          const Credentials& credentials) {
  std::string date = amz_date(unix_seconds);
  request.payload_sha256 = std::string(kUnsignedPayload);
  request.query["X-Amz-Algorithm"] = "AWS4-HMAC-SHA256";
  request.query["X-Amz-Credential"] = credentials.access_key + "/" + scope(date, credentials);
  request.query["X-Amz-Date"] = date;
  request.query["X-Amz-Expires"] = std::to_string(expires_seconds);
  request.query["X-Amz-SignedHeaders"] = signed_headers(request);
  std::string sig = signature(request, date, credentials);
  return canonical_query(request.query) + "&X-Amz-Signature=" + sig;
}

}  // namespace od::storage::sigv4
