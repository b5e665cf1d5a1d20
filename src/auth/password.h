// Password hashing with argon2id (libsodium) and the minimum strength rules for new passwords.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace od::auth {

inline constexpr size_t kMinPasswordLength = 10;
inline constexpr size_t kMaxPasswordLength = 256;  // bytes; bounds the work an attacker can cause

// An encoded argon2id hash ("$argon2id$v=19$m=...") with a fresh salt.
std::string hash_password(std::string_view password);
// Constant-time check of `password` against an encoded hash.
bool verify_password(std::string_view password, const std::string& encoded_hash);
// Why `password` is too weak for a new account, or nullopt when it is acceptable. Rules: 10..256
// bytes, at least three character classes of lower/upper/digit/other, not mostly one character,
// and not containing the local part of the email.
std::optional<std::string> password_weakness(std::string_view password, std::string_view email);

}  // namespace od::auth
