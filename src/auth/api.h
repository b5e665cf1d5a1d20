// HTTP routes of the auth module: /api/v1/auth/*, /api/v1/me, /api/v1/admin/users, audit log.
#pragma once

#include "auth/service.h"
#include "http/router.h"

namespace od::auth {

void register_routes(http::Router& router, AuthService& service);

}  // namespace od::auth
