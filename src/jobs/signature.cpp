#include "jobs/signature.h"

#include <charconv>

#include "core/crypto.h"

namespace od::jobs {
namespace {

std::string mac_hex(const std::string& key, int64_t t, const std::string& body) {
  return crypto::hex_encode(crypto::hmac_sha256(key, std::to_string(t) + "." + body));
}

}  // namespace

std::string sign_payload(const std::string& key, int64_t unix_seconds, const std::string& body) {
  return "t=" + std::to_string(unix_seconds) + ",v1=" + mac_hex(key, unix_seconds, body);
}

SignatureCheck verify_signature(const std::string& key, const std::string& header,
                                const std::string& body, int64_t now_seconds,
                                int64_t tolerance_seconds) {
  if (header.size() > 256 || header.rfind("t=", 0) != 0) return SignatureCheck::Malformed;
  size_t comma = header.find(",v1=");
  if (comma == std::string::npos) return SignatureCheck::Malformed;
  int64_t t = 0;
  const char* first = header.data() + 2;
  const char* last = header.data() + comma;
  auto [end, ec] = std::from_chars(first, last, t);
  if (ec != std::errc() || end != last || first == last) return SignatureCheck::Malformed;
  std::string given = header.substr(comma + 4);
  if (given.size() != 64) return SignatureCheck::Malformed;
  if (t < now_seconds - tolerance_seconds || t > now_seconds + tolerance_seconds) {
    return SignatureCheck::Stale;
  }
  return crypto::constant_time_equal(given, mac_hex(key, t, body)) ? SignatureCheck::Valid
                                                                   : SignatureCheck::Mismatch;
}

}  // namespace od::jobs
