// Which asset a request for bytes may read: with `sig` in its query, the asset a signed URL
// names (no token needed, see assets/signed_urls.h); otherwise the asset as the caller's token
// allows (404 when it may not know it exists).
#pragma once

#include "assets/service.h"
#include "assets/signed_urls.h"
#include "http/router.h"

namespace od::assets {

Asset asset_for_request(AssetsService& service, const http::Request& req,
                        const SignedResource& resource);

// A query parameter that is part of a signed URL and must be a non-negative integer: 403
// `invalid_signature` otherwise (a malformed one is simply not a valid URL).
int64_t signed_query_number(const http::Request& req, const char* name);

}  // namespace od::assets
