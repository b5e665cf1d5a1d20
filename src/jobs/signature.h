// The signature on webhook bodies and on external workers' callbacks:
//   X-OpenDesign-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(key, "<t>.<body>")>
// The timestamp is inside the MAC, so a captured request replays only within the tolerance.
#pragma once

#include <cstdint>
#include <string>

namespace od::jobs {

inline constexpr char kSignatureHeader[] = "X-OpenDesign-Signature";

// The header value for `body` signed with `key` at `unix_seconds`.
std::string sign_payload(const std::string& key, int64_t unix_seconds, const std::string& body);

enum class SignatureCheck { Valid, Malformed, Stale, Mismatch };

// Checks a header value against `body`: well formed, its timestamp within `tolerance_seconds` of
// `now_seconds` (either side), and its MAC equal (compared in constant time).
SignatureCheck verify_signature(const std::string& key, const std::string& header,
                                const std::string& body, int64_t now_seconds,
                                int64_t tolerance_seconds);

}  // namespace od::jobs
