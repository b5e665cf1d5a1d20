// Routes of presigned uploads: POST /api/v1/assets/presign (ask for a URL), PUT
// /api/v1/assets/presigned/{id} (the signed URL itself: no token, the signature is the
// credential) and POST /api/v1/assets/complete (verify and create the asset).
#pragma once

#include "assets/presigned.h"
#include "assets/service.h"
#include "http/router.h"

namespace od::assets {

// `service` renders the finished asset the way every other asset route does.
void register_presigned_routes(http::Router& router, PresignedUploads& uploads,
                               AssetsService& service);

}  // namespace od::assets
