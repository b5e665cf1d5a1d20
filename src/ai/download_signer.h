// Signed download links for generated results (brief 003: "pre-signed URLs"), so a browser can
// fetch a file or the ZIP without an Authorization header, and a link stops working after its
// expiry. The signature is HMAC-SHA256, under a key derived from the server's secret, over the
// job id, the object (a file index or "zip") and the expiry; links work on every node sharing
// the secret, whatever the blob backend.
#pragma once

#include <cstdint>
#include <string>

namespace od::ai {

class DownloadSigner {
 public:
  explicit DownloadSigner(const std::string& server_secret);

  // "?expires=<unix s>&signature=<hex>" for `object` of job `job_id`, valid until `expires`.
  std::string query(const std::string& job_id, const std::string& object, int64_t expires) const;
  // Throws 403 link_invalid (bad or missing signature) or link_expired.
  void verify(const std::string& job_id, const std::string& object, const std::string& expires,
              const std::string& signature, int64_t now_seconds) const;

 private:
  std::string sign(const std::string& job_id, const std::string& object, int64_t expires) const;

  std::string key_;
};

}  // namespace od::ai
