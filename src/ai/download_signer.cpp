#include "ai/download_signer.h"

#include <charconv>

#include "core/crypto.h"
#include "core/error.h"

namespace od::ai {

DownloadSigner::DownloadSigner(const std::string& server_secret)
    : key_(crypto::hmac_sha256(server_secret, "opendesign result downloads v1")) {}

std::string DownloadSigner::sign(const std::string& job_id, const std::string& object,
                                 int64_t expires) const {
  return crypto::hex_encode(
      crypto::hmac_sha256(key_, job_id + "\n" + object + "\n" + std::to_string(expires)));
}

std::string DownloadSigner::query(const std::string& job_id, const std::string& object,
                                  int64_t expires) const {
  return "?expires=" + std::to_string(expires) + "&signature=" + sign(job_id, object, expires);
}

void DownloadSigner::verify(const std::string& job_id, const std::string& object,
                            const std::string& expires, const std::string& signature,
                            int64_t now_seconds) const {
  int64_t at = 0;
  auto [end, ec] = std::from_chars(expires.data(), expires.data() + expires.size(), at);
  bool readable = !expires.empty() && expires.size() <= 12 && ec == std::errc() &&
                  end == expires.data() + expires.size();
  if (!readable || signature.size() != 64 ||
      !crypto::constant_time_equal(signature, sign(job_id, object, at))) {
    throw ApiError(403, "link_invalid", "This download link is not valid.");
  }
  if (at < now_seconds) {
    throw ApiError(403, "link_expired",
                   "This download link has expired; ask for the results again.");
  }
}

}  // namespace od::ai
