// Short-lived signed URLs for asset bytes, so an <img> or <video> tag (which sends no
// Authorization header) can show a private asset: the URL carries `expires` (Unix seconds) and
// `sig`, an HMAC-SHA256 over the asset id, the resource (the original or one derivative) and the
// expiry. Whoever holds the URL may read that one resource until it expires; deleting the asset
// revokes every URL for it (the asset is gone), as does rotating the server secret.
#pragma once

#include <cstdint>
#include <string>

namespace od::assets {

struct SignedUrlConfig {
  std::string key;                // HMAC key, derived from the server's secret; empty: disabled
  int64_t ttl_seconds = 15 * 60;  // how long a URL handed out stays valid
};

// What a URL reads: the original bytes, a stored thumbnail, or an on-demand variant.
struct SignedResource {
  enum class Kind { Content, Thumbnail, Variant } kind = Kind::Content;
  int thumbnail_size = 0;  // Thumbnail
  std::string thumb;       // Variant: "WxH"
  std::string fit;         // Variant: fit | fill | crop
};

class AssetUrlSigner {
 public:
  explicit AssetUrlSigner(SignedUrlConfig config) : config_(std::move(config)) {}

  bool enabled() const { return !config_.key.empty(); }
  int64_t ttl_seconds() const { return config_.ttl_seconds; }
  // Path and query of a URL for `resource` of the asset, valid until `expires_s`.
  std::string url(const std::string& asset_id, const SignedResource& resource,
                  int64_t expires_s) const;
  // Throws ApiError 403 `invalid_signature` (checked first, in constant time) or `url_expired`.
  void verify(const std::string& asset_id, const SignedResource& resource, int64_t expires_s,
              const std::string& signature, int64_t now_ms) const;

 private:
  std::string sign(const std::string& asset_id, const SignedResource& resource,
                   int64_t expires_s) const;

  SignedUrlConfig config_;
};

}  // namespace od::assets
