// AssetUrlSigner: a URL verifies for exactly the asset, resource and expiry it was made for.
#include "assets/signed_urls.h"

#include <gtest/gtest.h>

#include "core/error.h"

namespace od::assets {
namespace {

// The `sig` query value of a URL made by the signer.
std::string sig_of(const std::string& url) { return url.substr(url.find("sig=") + 4); }

std::string code_of(const std::function<void()>& call) {
  try {
    call();
  } catch (const ApiError& e) {
    return e.code();
  }
  return "";
}

TEST(AssetUrlSigner, VerifiesOnlyWhatItSigned) {
  AssetUrlSigner signer({.key = "k", .ttl_seconds = 60});
  SignedResource content;
  SignedResource thumb{.kind = SignedResource::Kind::Thumbnail, .thumbnail_size = 64};
  SignedResource variant{.kind = SignedResource::Kind::Variant, .thumb = "64x64", .fit = "crop"};
  std::string url = signer.url("a1", content, 1000);
  EXPECT_EQ(url.substr(0, url.find("sig=")), "/api/v1/assets/a1/content?expires=1000&");
  EXPECT_EQ(signer.url("a1", thumb, 1000).find("/api/v1/assets/a1/thumbnails/64?expires=1000&"),
            0u);
  EXPECT_EQ(signer.url("a1", variant, 1000)
                .find("/api/v1/assets/a1/content?thumb=64x64&fit=crop&expires=1000&"),
            0u);

  std::string sig = sig_of(url);
  EXPECT_EQ(code_of([&] { signer.verify("a1", content, 1000, sig, 999'000); }), "");
  EXPECT_EQ(code_of([&] { signer.verify("a2", content, 1000, sig, 999'000); }),
            "invalid_signature");
  EXPECT_EQ(code_of([&] { signer.verify("a1", thumb, 1000, sig, 999'000); }), "invalid_signature");
  EXPECT_EQ(code_of([&] { signer.verify("a1", content, 1001, sig, 999'000); }),
            "invalid_signature");
  SignedResource refit = variant;
  refit.fit = "fill";
  std::string variant_sig = sig_of(signer.url("a1", variant, 1000));
  EXPECT_EQ(code_of([&] { signer.verify("a1", variant, 1000, variant_sig, 0); }), "");
  EXPECT_EQ(code_of([&] { signer.verify("a1", refit, 1000, variant_sig, 0); }),
            "invalid_signature");
  EXPECT_EQ(code_of([&] { signer.verify("a1", content, 1000, sig, 1'000'001); }), "url_expired");
  // Another key (a rotated secret) makes every URL invalid.
  AssetUrlSigner other({.key = "other"});
  EXPECT_EQ(code_of([&] { other.verify("a1", content, 1000, sig, 0); }), "invalid_signature");
  AssetUrlSigner disabled({});
  EXPECT_FALSE(disabled.enabled());
  EXPECT_EQ(code_of([&] { disabled.verify("a1", content, 1000, sig, 0); }), "invalid_signature");
}

}  // namespace
}  // namespace od::assets
