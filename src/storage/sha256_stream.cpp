#include "storage/sha256_stream.h"

#include <openssl/evp.h>

#include <stdexcept>

#include "core/crypto.h"

namespace od::storage {

Sha256Stream::Sha256Stream() : ctx_(EVP_MD_CTX_new()) {
  if (ctx_ == nullptr || EVP_DigestInit_ex(ctx_, EVP_sha256(), nullptr) != 1) {
    EVP_MD_CTX_free(ctx_);
    throw std::runtime_error("sha256: cannot initialise digest");
  }
}

Sha256Stream::~Sha256Stream() { EVP_MD_CTX_free(ctx_); }

void Sha256Stream::update(std::string_view bytes) {
  if (EVP_DigestUpdate(ctx_, bytes.data(), bytes.size()) != 1) {
    throw std::runtime_error("sha256: digest update failed");
  }
}

std::string Sha256Stream::finish_hex() {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_DigestFinal_ex(ctx_, digest, &length) != 1) {
    throw std::runtime_error("sha256: digest final failed");
  }
  return crypto::hex_encode(std::string_view(reinterpret_cast<char*>(digest), length));
}

}  // namespace od::storage
