// HTTP routes of the assets module: /api/v1/assets (upload, list), /api/v1/assets/{id}
// (metadata, delete) and /api/v1/assets/{id}/content (bytes, with Range and a strong ETag).
#pragma once

#include "assets/service.h"
#include "http/router.h"

namespace od::assets {

// `thumb_variants`, when set, answers /content requests that carry `thumb=WxH`
// (assets/variants_api.h).
void register_routes(http::Router& router, AssetsService& service,
                     http::Handler thumb_variants = {});

}  // namespace od::assets
