// Small cryptographic helpers over OpenSSL: randomness, hashes, HMAC, base64url and
// constant-time comparison. Password hashing lives in auth/ (libsodium argon2id).
#pragma once

#include <string>
#include <string_view>

namespace od::crypto {

// Cryptographically secure random bytes (OpenSSL RAND_bytes); throws if the generator fails.
std::string random_bytes(size_t count);
// `bytes` random bytes as unpadded base64url: a token safe for URLs and headers.
std::string random_token(size_t bytes = 32);

std::string sha256(std::string_view data);  // raw 32 bytes
std::string sha256_hex(std::string_view data);
std::string hmac_sha256(std::string_view key, std::string_view data);  // raw 32 bytes

std::string hex_encode(std::string_view bytes);
std::string base64url_encode(std::string_view bytes);  // unpadded
// Empty optional-like: returns false when `text` is not valid base64url.
bool base64url_decode(std::string_view text, std::string& out);
std::string base64_encode(std::string_view bytes);  // standard alphabet, padded

bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace od::crypto
