// The tus 1.0 resumable upload protocol (https://tus.io/protocols/resumable-upload) over
// ResumableUploads, at /api/v1/uploads: core (HEAD, PATCH, OPTIONS) and the creation, expiration
// and termination extensions. Authenticated with the user's bearer token like every API route.
#pragma once

#include "assets/resumable.h"
#include "http/router.h"

namespace od::assets {

void register_resumable_routes(http::Router& router, ResumableUploads& uploads);

}  // namespace od::assets
