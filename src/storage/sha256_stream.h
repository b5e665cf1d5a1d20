// Incremental SHA-256 (OpenSSL EVP) for hashing a blob while it streams to disk or the network,
// so large uploads are hashed without holding them in memory.
#pragma once

#include <memory>
#include <string>
#include <string_view>

typedef struct evp_md_ctx_st EVP_MD_CTX;

namespace od::storage {

class Sha256Stream {
 public:
  Sha256Stream();
  ~Sha256Stream();
  Sha256Stream(const Sha256Stream&) = delete;
  Sha256Stream& operator=(const Sha256Stream&) = delete;

  void update(std::string_view bytes);
  // Lower-case hex digest; the object cannot be updated afterwards.
  std::string finish_hex();

 private:
  EVP_MD_CTX* ctx_;
};

}  // namespace od::storage
