// HTTP routes of AI usage accounting: GET /api/v1/me/usage (the caller's own) and
// GET /api/v1/admin/usage (admins: everyone's, per user, type and day).
#pragma once

#include "ai/usage_service.h"
#include "http/router.h"

namespace od::ai {

void register_usage_routes(http::Router& router, UsageService& service);

}  // namespace od::ai
