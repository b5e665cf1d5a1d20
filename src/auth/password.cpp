#include "auth/password.h"

#include <sodium.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <stdexcept>

namespace od::auth {
namespace {

// OWASP's argon2id baseline (19 MiB, 2 passes): strong against offline guessing while a login
// costs a few tens of milliseconds of one core.
constexpr unsigned long long kOpsLimit = 2;
constexpr size_t kMemLimit = 19 * 1024 * 1024;

void ensure_sodium() {
  static const bool ready = sodium_init() >= 0;
  if (!ready) throw std::runtime_error("libsodium failed to initialise");
}

}  // namespace

std::string hash_password(std::string_view password) {
  ensure_sodium();
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), kOpsLimit, kMemLimit,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    throw std::runtime_error("argon2id hashing ran out of memory");
  }
  return out;
}

bool verify_password(std::string_view password, const std::string& encoded_hash) {
  ensure_sodium();
  if (encoded_hash.empty()) return false;
  return crypto_pwhash_str_verify(encoded_hash.c_str(), password.data(), password.size()) == 0;
}

std::optional<std::string> password_weakness(std::string_view password, std::string_view email) {
  if (password.size() < kMinPasswordLength) {
    return "must be at least " + std::to_string(kMinPasswordLength) + " characters long";
  }
  if (password.size() > kMaxPasswordLength) {
    return "must be at most " + std::to_string(kMaxPasswordLength) + " bytes long";
  }
  bool lower = false, upper = false, digit = false, other = false;
  std::map<char, int> counts;
  for (char c : password) {
    unsigned char u = static_cast<unsigned char>(c);
    if (std::islower(u))
      lower = true;
    else if (std::isupper(u))
      upper = true;
    else if (std::isdigit(u))
      digit = true;
    else
      other = true;
    ++counts[c];
  }
  if (lower + upper + digit + other < 3) {
    return "must mix at least three of: lowercase, uppercase, digits, symbols";
  }
  int most = 0;
  for (const auto& [c, n] : counts) most = std::max(most, n);
  if (most * 2 > static_cast<int>(password.size())) {
    return "must not be mostly one repeated character";
  }
  std::string local(email.substr(0, email.find('@')));
  std::string lowered(password);
  std::transform(lowered.begin(), lowered.end(), lowered.begin(), ::tolower);
  std::transform(local.begin(), local.end(), local.begin(), ::tolower);
  if (local.size() >= 3 && lowered.find(local) != std::string::npos) {
    return "must not contain your email name";
  }
  return std::nullopt;
}

}  // namespace od::auth
