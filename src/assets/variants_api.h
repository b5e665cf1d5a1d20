// HTTP routes of derived images: GET /api/v1/assets/{id}/thumbnails/{size} and the on-demand
// form GET /api/v1/assets/{id}/content?thumb=WxH&fit=fit|fill|crop (handled here when `thumb`
// is present). The format follows Accept; responses carry a strong ETag (the derivative's
// SHA-256), honour Range, and are `public, immutable` when the asset's project is public.
#pragma once

#include "assets/processing.h"
#include "assets/service.h"
#include "http/router.h"

namespace od::assets {

void register_variant_routes(http::Router& router, AssetsService& service,
                             AssetProcessor& processor);

// The handler for /content requests that carry `thumb`.
http::Handler variant_content_handler(AssetsService& service, AssetProcessor& processor);

}  // namespace od::assets
