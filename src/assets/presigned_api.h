// Routes of presigned uploads: POST /api/v1/assets/presign (ask for a URL), PUT
// /api/v1/assets/presigned/{id} (the signed URL itself: no token, the signature is the
// credential) and POST /api/v1/assets/complete (verify and create the asset).
#pragma once

#include "assets/presigned.h"
#include "http/router.h"

namespace od::assets {

void register_presigned_routes(http::Router& router, PresignedUploads& uploads);

}  // namespace od::assets
