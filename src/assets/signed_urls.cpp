#include "assets/signed_urls.h"

#include "core/crypto.h"
#include "core/error.h"

namespace od::assets {
namespace {

// The resource as signed and as written in the URL (path suffix and query).
std::string canonical(const SignedResource& r) {
  switch (r.kind) {
    case SignedResource::Kind::Thumbnail:
      return "thumbnails/" + std::to_string(r.thumbnail_size);
    case SignedResource::Kind::Variant:
      return "content?thumb=" + r.thumb + "&fit=" + r.fit;
    case SignedResource::Kind::Content:
      break;
  }
  return "content";
}

}  // namespace

std::string AssetUrlSigner::sign(const std::string& asset_id, const SignedResource& resource,
                                 int64_t expires_s) const {
  // Its own purpose string: a signature made for anything else never verifies here.
  std::string message =
      "asset-url\n" + asset_id + "\n" + canonical(resource) + "\n" + std::to_string(expires_s);
  return crypto::base64url_encode(crypto::hmac_sha256(config_.key, message));
}

std::string AssetUrlSigner::url(const std::string& asset_id, const SignedResource& resource,
                                int64_t expires_s) const {
  std::string path = "/api/v1/assets/" + asset_id + "/" + canonical(resource);
  path += path.find('?') == std::string::npos ? "?" : "&";
  return path + "expires=" + std::to_string(expires_s) +
         "&sig=" + sign(asset_id, resource, expires_s);
}

void AssetUrlSigner::verify(const std::string& asset_id, const SignedResource& resource,
                            int64_t expires_s, const std::string& signature, int64_t now_ms) const {
  if (!enabled() || asset_id.size() > 64 ||
      !crypto::constant_time_equal(signature, sign(asset_id, resource, expires_s))) {
    throw ApiError(403, "invalid_signature", "The URL is not valid for this asset.");
  }
  if (expires_s * 1000 < now_ms) {
    throw ApiError(403, "url_expired", "The URL has expired; ask for a new one.");
  }
}

}  // namespace od::assets
